"""The payment-provider interface the ledger talks to.

Every call carries the ledger's idempotency key, and a provider must answer a
repeated key with the first result (Stripe's `Idempotency-Key`, the sandbox's
unique key), so that a retry after a crash never charges or pays twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from stint.core.money import Money


class ProviderError(Exception):
    """The provider refused or could not be reached."""

    def __init__(self, message: str, *, code: str = "provider_error") -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class ProviderDeclined(ProviderError):
    """A definite no (card declined, insufficient provider balance, bad account):
    retrying with the same key will not change the answer."""


class ProviderUnavailable(ProviderError):
    """Network error, timeout, 5xx or rate limit: the outcome is unknown, retry with the same key."""


class WebhookSignatureError(ProviderError):
    """The webhook's signature is missing, wrong or too old."""


@dataclass(frozen=True)
class ProviderResult:
    provider_ref: str  # pi_…, re_…, tr_…, or the sandbox's sb_… id
    amount: Money
    status: str = "succeeded"
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class WebhookEvent:
    event_id: str
    type: str
    object_id: str
    amount: int | None
    currency: str
    status: str
    payload: dict[str, Any]


class PaymentProvider(Protocol):
    name: str

    def charge(
        self,
        *,
        amount: Money,
        customer: str,
        payment_method: str,
        description: str,
        idempotency_key: str,
    ) -> ProviderResult: ...

    def refund(self, *, amount: Money, charge_ref: str, idempotency_key: str) -> ProviderResult: ...

    def payout(
        self, *, amount: Money, destination: str, description: str, idempotency_key: str
    ) -> ProviderResult: ...

    def parse_webhook(self, payload: bytes, signature_header: str) -> WebhookEvent: ...
