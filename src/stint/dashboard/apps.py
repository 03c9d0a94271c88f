from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "stint.dashboard"
    label = "dashboard"
