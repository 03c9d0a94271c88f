from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "stint.notifications"
    label = "notifications"
