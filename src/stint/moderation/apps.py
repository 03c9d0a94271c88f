from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "stint.moderation"
    label = "moderation"
    verbose_name = "Trust and safety"
