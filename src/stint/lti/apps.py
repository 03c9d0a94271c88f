from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "stint.lti"
    label = "lti"
    verbose_name = "LTI 1.3 (courses in a learning platform)"
