from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from stint.core.money import CURRENCY_EXPONENTS
from stint.core.paging import PageOut


class BalanceOut(Schema):
    currency: str
    available_minor: int
    available: str  # formatted, e.g. "1,100.00 USD"


class PayoutIn(Schema):
    currency: str = Field(
        ...,
        min_length=3,
        max_length=3,
        description="ISO 4217 code",
        json_schema_extra={"enum": list(CURRENCY_EXPONENTS)},
    )
    idempotency_key: str = Field(
        ...,
        min_length=1,
        max_length=180,
        description="Chosen by the client; the same key again returns the first payout.",
    )


class PayoutOut(Schema):
    id: int
    amount_minor: int
    currency: str
    amount: str
    status: str = Field(
        ..., description="held (until payout setup is finished) | requested | paid | failed"
    )
    created_at: datetime
    transaction_id: int


class PayoutPageOut(PageOut):
    items: list[PayoutOut]


class SetupOut(Schema):
    provider: str = Field(..., description="sandbox | stripe (STINT_PAYMENT_PROVIDER)")
    status: str = Field(..., description="none | pending | ready | restricted")
    ready: bool
    message: str
    requirements: list[str] = Field(
        default_factory=list, description="What the provider still needs (Stripe's currently_due)"
    )
    onboarding_url: str | None = Field(
        None,
        description="After a POST: the provider's page to send the person to (short-lived, "
        "single-use); null when nothing is left to do.",
    )
    held_payouts: int = Field(0, description="Candidates: payouts held until setup is finished")
    released_payouts: int = Field(0, description="After a POST: held payouts now on their way")


class PayoutSetupIn(Schema):
    country: str = Field(
        "",
        max_length=2,
        description="ISO 3166-1 alpha-2 country of the payout account (Stripe, first setup "
        "only); empty: the platform's.",
    )


class PaymentSetupIn(Schema):
    billing_email: str = Field(
        "",
        max_length=254,
        description="Receipts go here (when the customer is created).",
        json_schema_extra={"format": "email"},
    )
