"""The events feed and an organisation's webhooks, over the same services as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from stint.core.errors import NotFound
from stint.core.schemas import ERRORS
from stint.events import selectors, services
from stint.events.models import WebhookDelivery, WebhookEndpoint
from stint.events.schemas import (
    EventFeedOut,
    EventOut,
    WebhookCreatedOut,
    WebhookDeliveryListOut,
    WebhookDeliveryOut,
    WebhookIn,
    WebhookOut,
)
from stint.orgs.selectors import access_organisation

router = Router()

AFTER: Any = Query(
    0, ge=0, description="An event id: answer the events after it (0: from the start)"
)
LIMIT: Any = Query(50, ge=1, le=selectors.FEED_LIMIT, description="At most this many items")
BEFORE: Any = Query(None, ge=1, description="A delivery id: answer older deliveries")


def _endpoint(e: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": e.pk,
        "organisation_id": e.organisation_id,
        "url": e.url,
        "kinds": e.kinds,
        "is_active": e.is_active,
        "failure_count": e.failure_count,
        "disabled_at": e.disabled_at,
        "created_at": e.created_at,
    }


def _delivery(d: WebhookDelivery) -> WebhookDeliveryOut:
    return WebhookDeliveryOut(
        id=d.pk,
        event_id=d.event_id,
        kind=d.event.kind,
        replay_of=d.replay_of_id,
        status=d.status,
        attempts=d.attempts,
        next_attempt_at=d.next_attempt_at,
        response_code=d.response_code,
        last_error=d.last_error,
        created_at=d.created_at,
        delivered_at=d.delivered_at,
    )


@router.get(
    "/events",
    response={200: EventFeedOut, **ERRORS},
    summary="Your events after a cursor",
)
def event_feed(request: HttpRequest, after: int = AFTER, limit: int = LIMIT) -> EventFeedOut:
    """Events of your organisations and about you, oldest first. Keep the last `id` you
    processed and pass it as `after` to catch up after downtime; a page past the end is
    empty, and `has_more` says whether to ask again. The items have the same shape as
    webhook bodies. A `limit` out of range is 422 naming it."""
    rows, has_more = selectors.events_for(user=request.user, after=after, limit=limit)
    return EventFeedOut(
        items=[EventOut(**selectors.event_payload(e)) for e in rows],
        has_more=has_more,
        next_cursor=rows[-1].pk if rows else None,
    )


@router.get(
    "/orgs/{org_id}/webhooks",
    response={200: list[WebhookOut], **ERRORS},
    summary="An organisation's webhooks (owners and admins)",
)
def webhook_list(request: HttpRequest, org_id: int) -> list[WebhookOut]:
    """An organisation's webhook endpoints, the event types each receives and whether it is
    enabled. Owners and admins of that organisation only."""
    access_organisation(actor=request.user, organisation_id=org_id, manage=True)
    return [WebhookOut(**_endpoint(e)) for e in selectors.endpoints_of(org_id)]


@router.post(
    "/orgs/{org_id}/webhooks",
    response={201: WebhookCreatedOut, **ERRORS},
    summary="Add a webhook; the answer holds its signing secret, shown only once",
)
def webhook_create(
    request: HttpRequest, org_id: int, payload: WebhookIn
) -> Status[WebhookCreatedOut]:
    """Subscribe an https endpoint to event types. The answer holds its signing secret, shown
    only this once: verify each delivery's HMAC-SHA256 signature with it. Owners and admins
    only; an address that is not public (or loopback in development) or an unknown event
    type is 422 naming the field."""
    e = services.webhook_endpoint_create(
        actor=request.user, organisation_id=org_id, url=payload.url, kinds=list(payload.kinds)
    )
    return Status(201, WebhookCreatedOut(**_endpoint(e), secret=e.secret))


def _endpoint_of(request: HttpRequest, org_id: int, webhook_id: int) -> WebhookEndpoint:
    endpoint = selectors.access_endpoint(actor=request.user, id=webhook_id)
    if endpoint.organisation_id != org_id:
        raise NotFound("No such webhook.")
    return endpoint


@router.delete(
    "/orgs/{org_id}/webhooks/{webhook_id}",
    response={204: None, **ERRORS},
    summary="Delete a webhook and its delivery log",
)
def webhook_delete(request: HttpRequest, org_id: int, webhook_id: int) -> Status[None]:
    """Delete a webhook and its delivery log; no more deliveries are sent. Owners and admins
    only."""
    _endpoint_of(request, org_id, webhook_id)
    services.webhook_endpoint_delete(actor=request.user, endpoint_id=webhook_id)
    return Status(204, None)


@router.post(
    "/orgs/{org_id}/webhooks/{webhook_id}/enable",
    response={200: WebhookOut, **ERRORS},
    summary="Turn a webhook back on after it was disabled for failing",
)
def webhook_enable(request: HttpRequest, org_id: int, webhook_id: int) -> WebhookOut:
    """Turn a webhook back on after it was disabled for failing too often; its failure count
    starts again. Owners and admins only."""
    _endpoint_of(request, org_id, webhook_id)
    e = services.webhook_endpoint_enable(actor=request.user, endpoint_id=webhook_id)
    return WebhookOut(**_endpoint(e))


@router.get(
    "/orgs/{org_id}/webhooks/{webhook_id}/deliveries",
    response={200: WebhookDeliveryListOut, **ERRORS},
    summary="A webhook's delivery log, newest first",
)
def webhook_deliveries(
    request: HttpRequest,
    org_id: int,
    webhook_id: int,
    before: int | None = BEFORE,
    limit: int = LIMIT,
) -> WebhookDeliveryListOut:
    """A webhook's delivery log, newest first: each attempt's status, answer code and next
    retry. Owners and admins only."""
    endpoint = _endpoint_of(request, org_id, webhook_id)
    rows, has_more = selectors.deliveries_of(endpoint, before=before, limit=limit)
    return WebhookDeliveryListOut(
        items=[_delivery(d) for d in rows],
        has_more=has_more,
        next_cursor=rows[-1].pk if rows and has_more else None,
    )


@router.post(
    "/orgs/{org_id}/webhooks/{webhook_id}/deliveries/{delivery_id}/replay",
    response={202: WebhookDeliveryOut, **ERRORS},
    summary="Send a delivery's event again (a new delivery, same event id)",
)
def webhook_delivery_replay(
    request: HttpRequest, org_id: int, webhook_id: int, delivery_id: int
) -> Status[WebhookDeliveryOut]:
    """Send a delivery's event again, as a new delivery with the same event id (so your
    receiver can de-duplicate). Owners and admins only; queued, hence 202."""
    endpoint = _endpoint_of(request, org_id, webhook_id)
    original = selectors.access_delivery(actor=request.user, id=delivery_id)
    if original.endpoint_id != endpoint.pk:
        raise NotFound("No such delivery.")
    replay = services.delivery_replay(actor=request.user, delivery_id=delivery_id)
    replay.refresh_from_db()
    return Status(202, _delivery(replay))
