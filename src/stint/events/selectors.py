"""Reads of events and webhooks, and `access_*` which fetch and authorise at once."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from stint.accounts.models import User
from stint.core.errors import NotFound
from stint.events.models import Event, WebhookDelivery, WebhookEndpoint
from stint.orgs.models import Membership
from stint.orgs.selectors import access_organisation

FEED_LIMIT = 100


def event_payload(event: Event) -> dict[str, Any]:
    """The one shape of an event: a webhook's body and an item of the feed."""
    return {
        "id": event.pk,
        "kind": event.kind,
        "version": event.version,
        "created_at": event.created_at.isoformat(),
        "organisation_id": event.organisation_id,
        "resource": {"type": event.resource_type, "id": event.resource_id},
        "data": event.data,
    }


def events_for(*, user: User, after: int = 0, limit: int = 50) -> tuple[list[Event], bool]:
    """The user's events after the cursor `after` (an event id), oldest first: those
    of their organisations and those naming them; and whether more follow."""
    org_ids = Membership.objects.filter(user=user).values("organisation_id")
    visible = Event.objects.filter(Q(organisation_id__in=org_ids) | Q(users=user))
    # Ids first: the OR over the users join could repeat a row.
    ids = list(
        visible.filter(pk__gt=after)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()[: limit + 1]
    )
    rows = list(Event.objects.filter(pk__in=ids[:limit]).order_by("pk"))
    return rows, len(ids) > limit


def endpoints_of(organisation_id: int) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(organisation_id=organisation_id).order_by("id")


def access_endpoint(
    *, actor: User, id: int, manage: bool = True, for_update: bool = False
) -> WebhookEndpoint:
    """A webhook endpoint of an organisation the actor manages (owners and admins):
    NotFound for outsiders (ids do not leak), Forbidden for plain members."""
    qs = WebhookEndpoint.objects.all()
    if for_update:
        qs = qs.select_for_update()
    endpoint = qs.filter(pk=id).first()
    if endpoint is None:
        raise NotFound("No such webhook.")
    access_organisation(actor=actor, organisation_id=endpoint.organisation_id, manage=manage)
    return endpoint


def access_delivery(*, actor: User, id: int, manage: bool = True) -> WebhookDelivery:
    delivery = WebhookDelivery.objects.select_related("endpoint", "event").filter(pk=id).first()
    if delivery is None:
        raise NotFound("No such delivery.")
    access_organisation(
        actor=actor, organisation_id=delivery.endpoint.organisation_id, manage=manage
    )
    return delivery


def deliveries_of(
    endpoint: WebhookEndpoint, *, before: int | None = None, limit: int = 50
) -> tuple[list[WebhookDelivery], bool]:
    """The endpoint's deliveries, newest first, before the cursor `before` (a delivery id)."""
    qs = endpoint.deliveries.select_related("event").order_by("-id")
    if before is not None:
        qs = qs.filter(pk__lt=before)
    rows = list(qs[: limit + 1])
    return rows[:limit], len(rows) > limit
