"""What happened, for integrators: the event log (read through the feed) and
each organisation's webhook endpoints with their delivery log."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class Event(models.Model):
    """One thing that happened, written by `stint.events.services.record` inside the
    action's transaction; never edited. The id is the feed's cursor."""

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=60)
    version = models.PositiveSmallIntegerField(default=1)
    # Who may see it: the organisation's members, and these users.
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    resource_type = models.CharField(max_length=40)
    resource_id = models.CharField(max_length=40)
    data = models.JSONField(default=dict, blank=True)  # resource ids only, no personal text
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.resource_type}:{self.resource_id}"


class WebhookEndpoint(models.Model):
    """An organisation's receiver of signed event deliveries."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=500)
    # Kept readable: every delivery is signed with it. Shown to people once, at creation.
    secret = models.CharField(max_length=80)
    kinds = models.JSONField(default=list, blank=True)  # empty: every kind
    is_active = models.BooleanField(default=True)
    failure_count = models.PositiveIntegerField(default=0)  # consecutive failed attempts
    disabled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return self.url

    def wants(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RETRYING = "retrying", "Retrying"
    SUCCEEDED = "succeeded", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """One event sent (or to be sent) to one endpoint. A replay is a new row."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    # CASCADE, not SET_NULL: nulling it would make a replay look like a second original.
    replay_of = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replays"
    )
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-id"]
        constraints: ClassVar = [
            # Fan-out is idempotent: one original delivery per event and endpoint.
            models.UniqueConstraint(
                fields=["event", "endpoint"],
                condition=models.Q(replay_of__isnull=True),
                name="events_one_delivery_per_endpoint",
            )
        ]
        indexes: ClassVar = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint} ({self.status})"
