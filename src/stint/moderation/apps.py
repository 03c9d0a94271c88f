from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "stint.moderation"
    label = "moderation"
    verbose_name = "Trust and safety"

    def ready(self) -> None:
        from stint.moderation import receivers  # noqa: F401  (audit of lower apps' changes)
        from stint.moderation.logging import install as mask_personal_data_in_logs
        from stint.moderation.services import screen_opportunity
        from stint.opportunities.screening import register_screen

        register_screen(screen_opportunity)
        mask_personal_data_in_logs()
