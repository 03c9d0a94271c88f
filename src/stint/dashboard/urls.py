from django.urls import path

from stint.dashboard import views

urlpatterns = [path("", views.dashboard, name="dashboard")]
