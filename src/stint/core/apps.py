from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "stint.core"
    label = "core"
