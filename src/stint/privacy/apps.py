from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "stint.privacy"
    label = "privacy"
    verbose_name = "Privacy"
