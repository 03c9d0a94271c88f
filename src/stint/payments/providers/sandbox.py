"""The default provider: no network, deterministic ids, its own books in
`SandboxRecord` (what reconciliation compares the ledger with), and failures on
demand for tests (`sandbox_failures(charge="declined")`).

Onboarding is immediate: a candidate's payout account (`sb_acct_…`) is ready with
payouts enabled, and an employer's setup puts a sandbox test card (`sb_pm_card_visa`)
on file, with no page to visit. `fail_next("setup", …)` makes the next setup fail."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum

from stint.core.money import Money
from stint.payments.models import SandboxRecord
from stint.payments.providers import signature
from stint.payments.providers.base import (
    AccountState,
    Onboarding,
    ProviderDeclined,
    ProviderError,
    ProviderResult,
    ProviderUnavailable,
    WebhookEvent,
    WebhookSignatureError,
)

SANDBOX_WEBHOOK_SECRET = "whsec_sandbox"
SANDBOX_CARD = "sb_pm_card_visa"

_PREFIX = {"charge": "sb_ch_", "refund": "sb_re_", "payout": "sb_tr_"}
_failures: dict[str, list[str]] = {}
_failures_lock = threading.Lock()


def fail_next(kind: str, mode: str = "declined", times: int = 1) -> None:
    """Make the next `times` calls of `kind` (charge|refund|payout|setup) fail with
    `mode` ("declined" or "unavailable")."""
    with _failures_lock:
        _failures.setdefault(kind, []).extend([mode] * times)


def clear_failures() -> None:
    with _failures_lock:
        _failures.clear()


@contextmanager
def sandbox_failures(**modes: str) -> Iterator[None]:
    for kind, mode in modes.items():
        fail_next(kind, mode)
    try:
        yield
    finally:
        clear_failures()


def _maybe_fail(kind: str) -> None:
    with _failures_lock:
        queue = _failures.get(kind)
        mode = queue.pop(0) if queue else None
    if mode == "declined":
        raise ProviderDeclined(f"Sandbox {kind} declined.", code="declined")
    if mode == "unavailable":
        raise ProviderUnavailable(f"Sandbox {kind} unavailable.", code="unavailable")


class SandboxProvider:
    name = "sandbox"

    def __init__(self, webhook_secret: str = "") -> None:
        self.webhook_secret = webhook_secret or SANDBOX_WEBHOOK_SECRET

    def _record(
        self, kind: str, key: str, amount: Money, counterparty: str, **extra: Any
    ) -> ProviderResult:
        fp = hashlib.sha256(
            json.dumps([kind, amount.amount, amount.currency, counterparty]).encode()
        ).hexdigest()
        existing = SandboxRecord.objects.filter(kind=kind, idempotency_key=key).first()
        if existing is None:
            _maybe_fail(kind)
            ref = _PREFIX[kind] + hashlib.sha256(f"{kind}:{key}".encode()).hexdigest()[:24]
            try:
                with transaction.atomic():
                    existing = SandboxRecord.objects.create(
                        kind=kind,
                        idempotency_key=key,
                        provider_ref=ref,
                        amount=amount.amount,
                        currency=amount.currency,
                        counterparty=counterparty,
                        fingerprint=fp,
                    )
            except IntegrityError:
                existing = SandboxRecord.objects.get(kind=kind, idempotency_key=key)
        if existing.fingerprint != fp:
            # Stripe answers 400 idempotency_error when a key is reused with other parameters.
            raise ProviderError(
                "Idempotency key reused with different parameters.", code="idempotency_error"
            )
        return ProviderResult(
            provider_ref=existing.provider_ref,
            amount=Money(existing.amount, existing.currency),
        )

    def charge(
        self,
        *,
        amount: Money,
        customer: str,
        payment_method: str = "",
        description: str = "",
        idempotency_key: str,
    ) -> ProviderResult:
        return self._record("charge", idempotency_key, amount, customer)

    def refund(self, *, amount: Money, charge_ref: str, idempotency_key: str) -> ProviderResult:
        if not SandboxRecord.objects.filter(
            kind="refund", idempotency_key=idempotency_key
        ).exists():
            charge = SandboxRecord.objects.filter(kind="charge", provider_ref=charge_ref).first()
            if charge is None or charge.currency != amount.currency:
                raise ProviderDeclined("No such charge.", code="resource_missing")
            refunded = (
                SandboxRecord.objects.filter(kind="refund", counterparty=charge_ref).aggregate(
                    total=Sum("amount")
                )["total"]
                or 0
            )
            if refunded + amount.amount > charge.amount:
                raise ProviderDeclined("Refund exceeds the charge.", code="charge_already_refunded")
        return self._record("refund", idempotency_key, amount, charge_ref)

    def payout(
        self, *, amount: Money, destination: str, description: str = "", idempotency_key: str
    ) -> ProviderResult:
        return self._record("payout", idempotency_key, amount, destination)

    def parse_webhook(self, payload: bytes, signature_header: str) -> WebhookEvent:
        signature.verify(payload, signature_header, self.webhook_secret)
        return event_from_json(payload)

    # --- Onboarding: immediate ----------------------------------------------------------

    @staticmethod
    def _id(prefix: str, owner_ref: str) -> str:
        return prefix + hashlib.sha256(owner_ref.encode()).hexdigest()[:16]

    def payout_account_start(
        self,
        *,
        external_id: str,
        owner_ref: str,
        email: str = "",
        country: str = "",
        return_url: str = "",
        refresh_url: str = "",
        idempotency_key: str = "",
    ) -> Onboarding:
        _maybe_fail("setup")
        account = external_id or self._id("sb_acct_", owner_ref)
        return Onboarding(state=AccountState(external_id=account, status="ready"))

    def payout_account_state(self, *, external_id: str) -> AccountState:
        return AccountState(external_id=external_id, status="ready")

    def payment_setup_start(
        self,
        *,
        external_id: str,
        owner_ref: str,
        email: str = "",
        name: str = "",
        success_url: str = "",
        cancel_url: str = "",
        idempotency_key: str = "",
    ) -> Onboarding:
        _maybe_fail("setup")
        customer = external_id or self._id("sb_cus_", owner_ref)
        return Onboarding(
            state=AccountState(external_id=customer, status="ready", payment_method=SANDBOX_CARD)
        )

    def payment_setup_state(self, *, external_id: str, setup_ref: str) -> AccountState:
        return AccountState(external_id=external_id, status="ready", payment_method=SANDBOX_CARD)


def event_from_json(payload: bytes) -> WebhookEvent:
    """A Stripe-shaped event: {"id", "type", "data": {"object": {...}}}."""
    try:
        body = json.loads(payload)
        obj = body["data"]["object"]
        return WebhookEvent(
            event_id=str(body["id"]),
            type=str(body["type"]),
            object_id=str(obj.get("id", "")),
            amount=obj.get("amount"),
            currency=str(obj.get("currency", "")).upper(),
            status=str(obj.get("status", "")),
            payload=body,
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise WebhookSignatureError("The event is not valid JSON.", code="bad_payload") from exc
