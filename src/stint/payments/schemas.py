from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema
from pydantic import ConfigDict

from stint.core.money import CURRENCY_EXPONENTS
from stint.core.paging import PageOut
from stint.core.schemas import one_of
from stint.payments.models import PayoutStatus, ProviderAccountStatus, TransactionKind


class BalanceOut(Schema):
    currency: str
    available_minor: int
    available: str  # formatted, e.g. "1,100.00 USD"


class PayoutIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"currency": "EUR", "idempotency_key": "payout-2027-01-31-1"}]
        }
    )

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
    status: one_of(PayoutStatus) = Field(
        ..., description="held (until payout setup is finished) | requested | paid | failed"
    )
    created_at: datetime
    transaction_id: int


class PayoutPageOut(PageOut):
    items: list[PayoutOut]


class SetupOut(Schema):
    provider: str = Field(..., description="sandbox | stripe (STINT_PAYMENT_PROVIDER)")
    status: one_of(("none", *ProviderAccountStatus)) = Field(
        ..., description="none | pending | ready | restricted"
    )
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


class ReceiptLineOut(Schema):
    label: str
    amount_minor: int = Field(..., description="Integer minor units of `currency`")
    currency: str


class ReceiptOut(Schema):
    id: int = Field(..., description="The ledger transaction's id")
    kind: one_of(TransactionKind)
    title: str = Field(..., examples=["Payment receipt"])
    audience: one_of(("employer", "candidate")) = Field(
        ..., description="Whose view: the employer who paid or the candidate who earned"
    )
    reference: str = Field(..., description="What it was for, e.g. `engagement:42`")
    organisation_id: int | None
    created_at: datetime
    lines: list[ReceiptLineOut]
    total_minor: int = Field(
        ..., description="What the reader paid (employer) or earned (candidate), minor units"
    )
    currency: str
    pdf_url: str = Field(..., description="The same receipt as a PDF (a session or token)")


class ReceiptPageOut(PageOut):
    items: list[ReceiptOut]


class StatementRowOut(Schema):
    transaction_id: int
    created_at: datetime
    label: str
    amount_minor: int
    balance_minor: int = Field(..., description="The balance after this row")


class StatementOut(Schema):
    candidate_id: int
    currency: str
    start: date
    end: date
    opening_minor: int
    earned_minor: int
    paid_out_minor: int
    closing_minor: int
    rows: list[StatementRowOut]
    pdf_url: str
