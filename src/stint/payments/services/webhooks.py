"""The provider's webhooks: verified, stored once by event id, then applied."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from stint.payments import providers
from stint.payments.models import Payout, PayoutStatus, ProviderEvent, ProviderOperation
from stint.payments.providers import WebhookEvent
from stint.payments.services.payouts import _payout_failed
from stint.payments.services.refunds import _refund_failed
from stint.payments.services.setup import _apply_account_event

# --- Webhooks --------------------------------------------------------------------


@dataclass(frozen=True)
class WebhookOutcome:
    event: ProviderEvent
    duplicate: bool


def webhook_receive(*, provider_name: str, payload: bytes, signature_header: str) -> WebhookOutcome:
    """Verify, store once by event id, and apply what the event tells us."""
    provider = providers.get_provider(provider_name)
    event: WebhookEvent = provider.parse_webhook(payload, signature_header)
    try:
        with transaction.atomic():
            stored = ProviderEvent.objects.create(
                provider=provider.name,
                event_id=event.event_id,
                type=event.type,
                object_id=event.object_id,
                amount=event.amount,
                currency=event.currency,
                payload=event.payload,
            )
    except IntegrityError:
        return WebhookOutcome(
            ProviderEvent.objects.get(provider=provider.name, event_id=event.event_id), True
        )
    _apply_event(event)
    _apply_account_event(provider.name, event)
    return WebhookOutcome(stored, False)


def _apply_event(event: WebhookEvent) -> None:
    if event.type in ("transfer.reversed", "transfer.failed"):
        payout = Payout.objects.filter(provider_ref=event.object_id).first()
        if payout is not None and payout.status != PayoutStatus.FAILED:
            _payout_failed(payout, f"Provider event {event.type}")
    elif event.type in ("refund.failed", "charge.refund.updated") and event.status == "failed":
        op = ProviderOperation.objects.filter(provider_ref=event.object_id).first()
        if op is not None:
            _refund_failed(op, f"Provider event {event.type}", after_success=True)
