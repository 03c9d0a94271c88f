from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "stint.demo"
    label = "demo"
