from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "stint.lti"
    label = "lti"
    verbose_name = "LTI 1.3 (courses in a learning platform)"

    def ready(self) -> None:
        from stint.lti import receivers  # noqa: F401  (listens for event_committed)
