from django.urls import path

from stint.events import views

# Mounted under /orgs/ beside the organisation's own pages.
urlpatterns = [
    path("<int:org_id>/webhooks/", views.webhooks, name="events_webhooks"),
    path(
        "<int:org_id>/webhooks/<int:webhook_id>/delete/",
        views.webhook_delete,
        name="events_webhook_delete",
    ),
    path(
        "<int:org_id>/webhooks/<int:webhook_id>/enable/",
        views.webhook_enable,
        name="events_webhook_enable",
    ),
    path(
        "<int:org_id>/webhooks/<int:webhook_id>/deliveries/",
        views.webhook_deliveries,
        name="events_webhook_deliveries",
    ),
    path(
        "<int:org_id>/webhooks/<int:webhook_id>/deliveries/<int:delivery_id>/replay/",
        views.delivery_replay,
        name="events_delivery_replay",
    ),
]
