from django.urls import path

from stint.notifications import views

urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("read/", views.notification_read_all, name="notification_read_all"),
    path("badge/", views.notification_badge, name="notification_badge"),
    path("<int:notification_id>/read/", views.notification_read, name="notification_read"),
    path("settings/", views.notification_settings, name="notification_settings"),
]
