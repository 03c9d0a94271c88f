from django.apps import AppConfig


class InstitutionsConfig(AppConfig):
    name = "stint.institutions"
    label = "institutions"
