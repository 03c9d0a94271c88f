from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "stint.profiles"
    label = "profiles"
