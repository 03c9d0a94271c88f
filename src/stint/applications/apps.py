from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "stint.applications"
    label = "applications"

    def ready(self) -> None:
        from stint.applications import receivers  # noqa: F401  (listens for opportunity_closed)
