from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "stint.accounts"
    label = "accounts"
