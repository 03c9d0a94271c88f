from django.apps import AppConfig


class EngagementsConfig(AppConfig):
    name = "stint.engagements"
    label = "engagements"

    def ready(self) -> None:
        from stint.engagements import receivers  # noqa: F401  (listens for offer_accepted)
