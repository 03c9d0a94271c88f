from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "stint.payments"
    label = "payments"
