from django.urls import path

from stint.sso import views

urlpatterns = [
    path("find/", views.sign_on_find, name="sso_find"),
    path("institutions/<int:org_id>/", views.sign_on_settings, name="sso_settings"),
    path("institutions/<int:org_id>/remove/", views.sign_on_remove, name="sso_remove"),
]
