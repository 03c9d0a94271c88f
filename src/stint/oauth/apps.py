from django.apps import AppConfig


class OauthConfig(AppConfig):
    name = "stint.oauth"
    label = "oauth"
    verbose_name = "OAuth apps"
