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


@dataclass(frozen=True)
class AccountState:
    """Where someone's provider account stands: a candidate's connected account
    (ready = payouts enabled) or an employer's customer (ready = a saved payment method)."""

    external_id: str  # acct_… / cus_… (sandbox: sb_…)
    status: str  # pending | ready | restricted (ProviderAccountStatus)
    requirements: tuple[str, ...] = ()
    payment_method: str = ""  # employers: the pm_… to charge off-session
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def ready(self) -> bool:
        return self.status == "ready"


@dataclass(frozen=True)
class Onboarding:
    """The answer to starting a setup: the account as it stands, and the provider's
    page to send the person to (None when nothing is left to do, as with the sandbox).
    The URL is a short-lived bearer link: redirect to it, never store or log it."""

    state: AccountState
    url: str | None = None
    setup_ref: str = ""  # employers: the Checkout Session (cs_…) to read back on return


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

    # --- Onboarding (how a candidate is paid, how an employer pays) -------------------

    def payout_account_start(
        self,
        *,
        external_id: str,
        owner_ref: str,
        email: str,
        country: str,
        return_url: str,
        refresh_url: str,
        idempotency_key: str,
    ) -> Onboarding:
        """Create the candidate's payout account unless `external_id` names one, and
        return the link to the provider's onboarding for it."""
        ...

    def payout_account_state(self, *, external_id: str) -> AccountState: ...

    def payment_setup_start(
        self,
        *,
        external_id: str,
        owner_ref: str,
        email: str,
        name: str,
        success_url: str,
        cancel_url: str,
        idempotency_key: str,
    ) -> Onboarding:
        """Create the employer's customer unless `external_id` names one, and return the
        provider's page that saves a payment method for off-session charges."""
        ...

    def payment_setup_state(self, *, external_id: str, setup_ref: str) -> AccountState:
        """Read back a payment setup (the Checkout Session `setup_ref`) after the return."""
        ...
