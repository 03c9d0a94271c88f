from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "stint.orgs"
    label = "orgs"

    def ready(self) -> None:
        from stint.orgs import receivers  # noqa: F401  (connects allauth's email_confirmed)
