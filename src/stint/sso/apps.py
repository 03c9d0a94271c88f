from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "stint.sso"
    label = "sso"
    verbose_name = "Single sign-on"

    def ready(self) -> None:
        from stint.sso import receivers  # noqa: F401  (connects allauth's user_logged_in)
