from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "stint.applications"
    label = "applications"
