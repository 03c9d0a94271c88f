from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "stint.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        # Django admin site changes are written by Django itself (LogEntry); see receivers.py.
        from stint.audit import receivers  # noqa: F401
