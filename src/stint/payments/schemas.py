from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema


class BalanceOut(Schema):
    currency: str
    available_minor: int
    available: str  # formatted, e.g. "1,100.00 USD"


class PayoutIn(Schema):
    currency: str = Field(..., min_length=3, max_length=3, description="ISO 4217 code")
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
    status: str
    created_at: datetime
    transaction_id: int
