from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "stint.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from stint.core import metrics
        from stint.ops.queue import queue_samples

        metrics.register_collector(queue_samples)
