from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "stint.core"
    label = "core"

    def ready(self) -> None:
        from stint.core import checks  # noqa: F401  (registers the deployment checks)
        from stint.core.log_masking import install as mask_personal_data_in_logs

        mask_personal_data_in_logs()
