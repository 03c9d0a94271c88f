from django.apps import AppConfig


class GrowthConfig(AppConfig):
    name = "stint.growth"
    label = "growth"
    verbose_name = "Career growth"
