from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "stint.programs"
    label = "programs"
