from django.apps import AppConfig


class OpportunitiesConfig(AppConfig):
    name = "stint.opportunities"
    label = "opportunities"
