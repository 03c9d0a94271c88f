from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "stint.events"
    label = "events"
    verbose_name = "Events and webhooks"
