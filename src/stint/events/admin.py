from __future__ import annotations

from django.contrib import admin

from stint.events.models import Event, WebhookDelivery, WebhookEndpoint


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "organisation", "resource_type", "resource_id", "created_at")
    list_filter = ("kind",)
    readonly_fields = ("kind", "version", "organisation", "resource_type", "resource_id", "data")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("url", "organisation", "is_active", "failure_count", "created_at")
    list_filter = ("is_active",)
    exclude = ("secret",)  # never shown again after creation


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("id", "event", "endpoint", "status", "attempts", "response_code")
    list_filter = ("status",)
    raw_id_fields = ("event", "endpoint", "replay_of")
