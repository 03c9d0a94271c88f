"""Every write of events and webhooks.

`record(...)` is called by other apps' services inside their own transaction (like
`audit.record`), so an event exists only if the action committed. Deliveries are
made after commit by tasks (tasks.py), each attempt claimed by a conditional update
so that a task and the retry sweep never send the same attempt twice.
"""

from __future__ import annotations

import json
import logging
import secrets
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone

from stint.accounts.models import User
from stint.audit import services as audit
from stint.core.errors import ConflictError, DomainError
from stint.core.tasks import enqueue_on_commit
from stint.events import rules
from stint.events.models import DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint
from stint.events.selectors import access_delivery, access_endpoint, event_payload
from stint.events.signals import event_committed
from stint.orgs.models import Organisation
from stint.orgs.selectors import access_organisation

log = logging.getLogger(__name__)

TIMEOUT = 10  # seconds per attempt; a slow receiver counts as a failure
LEASE = timedelta(minutes=2)  # an attempt in flight is not picked by the sweep meanwhile
MAX_ENDPOINTS = 20  # per organisation


def record(
    kind: str,
    *,
    resource: models.Model,
    organisation: Organisation | int | None = None,
    users: Iterable[User | int] = (),
    data: dict[str, Any] | None = None,
) -> Event:
    """Write one event, seen by `organisation`'s members and by `users`, and deliver
    it to the organisation's webhooks once the caller's transaction commits."""
    if kind not in rules.KINDS:
        raise ValueError(f"Unknown event kind {kind!r}; add it to events.rules.KINDS.")
    org_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    event = Event.objects.create(
        kind=kind,
        organisation_id=org_id,
        resource_type=str(resource._meta.model_name),
        resource_id=str(resource.pk),
        data=data or {},
    )
    user_ids = {u if isinstance(u, int) else u.pk for u in users}
    if user_ids:
        event.users.add(*user_ids)
    if org_id and WebhookEndpoint.objects.filter(organisation_id=org_id, is_active=True).exists():
        from stint.events.tasks import event_fan_out

        enqueue_on_commit(event_fan_out, event.pk)
    transaction.on_commit(lambda: event_committed.send(sender=Event, event=event))
    return event


# --- Endpoints -----------------------------------------------------------------


def _resolve(host: str, port: int) -> list[str]:
    try:
        return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]
    except (OSError, UnicodeError):
        return []


def target_refusal(url: str) -> str | None:
    """Why `url` may not receive webhooks, or None: only http(s), and in production
    only hosts that resolve to public addresses (no private, loopback or link-local)."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return "Enter a valid URL."
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "Use an http:// or https:// URL."
    if parts.username or parts.password:
        return "Leave credentials out of the URL; verify the signature instead."
    production = bool(getattr(settings, "PRODUCTION", False))
    return rules.address_refusal(_resolve(parts.hostname, port), production=production)


@transaction.atomic
def webhook_endpoint_create(
    *, actor: User, organisation_id: int, url: str, kinds: list[str] | None = None
) -> WebhookEndpoint:
    """Subscribe `url` to `kinds` (none: every kind). The secret is on the returned
    object; pages and the API show it this once."""
    org, _ = access_organisation(actor=actor, organisation_id=organisation_id, manage=True)
    url = (url or "").strip()
    if not url or len(url) > 500:
        raise DomainError("url_invalid", "Enter a URL of at most 500 characters.", "url")
    refusal = target_refusal(url)
    if refusal:
        raise DomainError("url_refused", refusal, "url")
    kinds = sorted(set(kinds or []))
    unknown = rules.unknown_kinds(kinds)
    if unknown:
        raise DomainError(
            "unknown_kind", f"Unknown event kind {unknown[0]!r}; see the API guide.", "kinds"
        )
    if WebhookEndpoint.objects.filter(organisation=org).count() >= MAX_ENDPOINTS:
        raise ConflictError("too_many", f"An organisation may have {MAX_ENDPOINTS} webhooks.")
    endpoint = WebhookEndpoint.objects.create(
        organisation=org,
        url=url,
        kinds=kinds,
        secret="whsec_" + secrets.token_urlsafe(32),
        created_by=actor,
    )
    audit.record(
        action="webhook.create", actor=actor, target=endpoint, after={"url": url, "kinds": kinds}
    )
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, actor: User, endpoint_id: int) -> None:
    endpoint = access_endpoint(actor=actor, id=endpoint_id, manage=True, for_update=True)
    audit.record(
        action="webhook.delete", actor=actor, target=endpoint, before={"url": endpoint.url}
    )
    endpoint.delete()


@transaction.atomic
def webhook_endpoint_enable(*, actor: User, endpoint_id: int) -> WebhookEndpoint:
    """Turn an endpoint back on (after it was disabled for failing); deliveries that
    failed meanwhile are not resent: replay the ones you need."""
    endpoint = access_endpoint(actor=actor, id=endpoint_id, manage=True, for_update=True)
    endpoint.is_active = True
    endpoint.failure_count = 0
    endpoint.disabled_at = None
    endpoint.save(update_fields=["is_active", "failure_count", "disabled_at"])
    audit.record(action="webhook.enable", actor=actor, target=endpoint)
    return endpoint


# --- Deliveries ----------------------------------------------------------------


def event_fan_out(*, event_id: int) -> list[int]:
    """Create the event's deliveries to its organisation's active endpoints that want
    its kind (idempotent: a second run creates none) and return their ids."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None or event.organisation_id is None:
        return []
    created: list[int] = []
    for endpoint in WebhookEndpoint.objects.filter(
        organisation_id=event.organisation_id, is_active=True
    ):
        if not endpoint.wants(event.kind):
            continue
        try:
            with transaction.atomic():
                delivery = WebhookDelivery.objects.create(
                    event=event, endpoint=endpoint, next_attempt_at=timezone.now()
                )
        except IntegrityError:
            continue  # made by an earlier run
        created.append(delivery.pk)
    return created


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST without following redirects (a redirect could point anywhere); the
    status code, or an OSError for a network failure."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    # Only http(s): target_refusal checked the scheme before any call.
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def _claim(delivery_id: int, now: Any) -> bool:
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return bool(
        WebhookDelivery.objects.filter(
            due,
            pk=delivery_id,
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING],
            endpoint__is_active=True,
        ).update(attempts=F("attempts") + 1, next_attempt_at=now + LEASE)
    )


def delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Send a due delivery once and record the outcome: success resets the endpoint's
    failure count; a failure schedules the next try (or fails the delivery after the
    last) and disables the endpoint after `rules.DISABLE_AFTER` failures in a row.
    None when the delivery was not due (already sent, in flight, or endpoint off)."""
    if not _claim(delivery_id, timezone.now()):
        return None
    delivery = (
        WebhookDelivery.objects.select_related("event", "endpoint").filter(pk=delivery_id).first()
    )
    if delivery is None:
        return None  # the endpoint was deleted meanwhile
    endpoint = delivery.endpoint
    body = json.dumps(event_payload(delivery.event), separators=(",", ":")).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Stint-Webhooks/1",
        rules.SIGNATURE_HEADER: rules.sign(endpoint.secret, timestamp, body),
        "Stint-Event-Id": str(delivery.event_id),
        "Stint-Delivery-Id": str(delivery.pk),
    }
    code: int | None = None
    # Checked again at send time: the name may resolve elsewhere since it was added.
    error = target_refusal(endpoint.url) or ""
    if not error:
        try:
            code = _post(endpoint.url, body, headers)
            if not 200 <= code < 300:
                error = f"The receiver answered {code}."
        except (OSError, ValueError) as exc:
            error = f"Could not reach the receiver: {exc}"[:300]
    return _settle(delivery.pk, code=code, error=error)


@transaction.atomic
def _settle(delivery_id: int, *, code: int | None, error: str) -> WebhookDelivery | None:
    # Locks in the fixed order endpoint, then delivery (as deleting an endpoint does).
    endpoint_id = (
        WebhookDelivery.objects.filter(pk=delivery_id).values_list("endpoint_id", flat=True).first()
    )
    endpoint = WebhookEndpoint.objects.select_for_update().filter(pk=endpoint_id).first()
    delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id).first()
    if endpoint is None or delivery is None:
        return None  # deleted while the request was in flight
    now = timezone.now()
    delivery.response_code = code
    delivery.last_error = error
    if not error:
        delivery.status = DeliveryStatus.SUCCEEDED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        endpoint.failure_count = 0
    else:
        delay = rules.retry_delay(delivery.attempts)
        delivery.status = DeliveryStatus.FAILED if delay is None else DeliveryStatus.RETRYING
        delivery.next_attempt_at = None if delay is None else now + delay
        endpoint.failure_count += 1
        if endpoint.is_active and rules.should_disable(endpoint.failure_count):
            endpoint.is_active = False
            endpoint.disabled_at = now
            log.warning("Webhook endpoint %s disabled after repeated failures", endpoint.pk)
    delivery.save()
    endpoint.save(update_fields=["failure_count", "is_active", "disabled_at"])
    return delivery


def deliveries_due() -> list[int]:
    """Ids of deliveries whose next attempt is due, oldest event first."""
    return list(
        WebhookDelivery.objects.filter(
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING],
            next_attempt_at__lte=timezone.now(),
            endpoint__is_active=True,
        )
        .order_by("event_id", "id")
        .values_list("pk", flat=True)[:500]
    )


@transaction.atomic
def delivery_replay(*, actor: User, delivery_id: int) -> WebhookDelivery:
    """Send a delivery's event again to its endpoint, as a new delivery (same event
    id, so a receiver that already has it can tell)."""
    original = access_delivery(actor=actor, id=delivery_id, manage=True)
    if not original.endpoint.is_active:
        raise ConflictError("endpoint_disabled", "Turn the webhook back on before replaying.")
    replay = WebhookDelivery.objects.create(
        event_id=original.event_id,
        endpoint_id=original.endpoint_id,
        replay_of=original,
        next_attempt_at=timezone.now(),
    )
    audit.record(action="webhook.replay", actor=actor, target=replay)
    from stint.events.tasks import delivery_send

    enqueue_on_commit(delivery_send, replay.pk)
    return replay


def events_prune(now: Any = None) -> int:
    """Forget events (and their deliveries) older than STINT_EVENT_RETENTION_DAYS: the
    feed is for catching up after downtime, not an archive (docs/webhooks.md)."""
    days = getattr(settings, "STINT_EVENT_RETENTION_DAYS", 30)
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = Event.objects.filter(created_at__lt=cutoff).delete()
    return deleted
