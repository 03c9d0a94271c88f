"""Every movement of money: the double-entry ledger and the provider calls it records.

Payments know nothing of engagements: an escrow is identified by an opaque `ref`
("engagement:42"), an employer by its organisation id, a candidate by user id.

By area: `ledger` (accounts, one balanced posting, reversals), `escrow` (fund,
release, refund, split), `refunds` and `payouts` (money going out, sent by tasks),
`setup` (payout accounts and payment methods), `webhooks`, `retries` (the sweep).
Callers import this package; the names below are its public services.

How it stays right (docs/decisions/0005-ledger.md):
- Idempotency: each operation has a caller-chosen key, stored UNIQUE with a
  fingerprint of the arguments. The same key again returns the first result and
  moves nothing; the same key with other arguments raises ConflictError (409).
- Locks: the accounts an operation touches are locked with SELECT … FOR UPDATE in
  ascending id order (`stint.payments.locks`, which states the whole lock order),
  then the key is checked again and balances are read from the locked rows, so
  concurrent calls never deadlock and never double-spend.
- Money coming in (a charge) is taken at the provider *before* the ledger records
  it; money going out (refunds, payouts) is recorded in the ledger *first* and sent
  by a task after commit. The provider sees our key each time, so any crash in
  between is finished by calling the same operation with the same key again.
- Provider calls never run inside a database transaction of ours: these
  functions are deliberately not wrapped in @transaction.atomic as a whole.
"""

from stint.payments.services.escrow import (
    escrow_balance,
    escrow_fund,
    escrow_refund,
    escrow_release,
    escrow_split,
)
from stint.payments.services.ledger import funding_amount_for
from stint.payments.services.payouts import (
    candidate_balance,
    payout_execute,
    payout_request,
    payouts_release_held,
)
from stint.payments.services.refunds import refund_execute
from stint.payments.services.retries import pending_operations, retry_pending
from stint.payments.services.setup import (
    SetupResult,
    payment_setup_refresh,
    payment_setup_start,
    payout_setup_refresh,
    payout_setup_start,
)
from stint.payments.services.webhooks import WebhookOutcome, webhook_receive

__all__ = [
    "SetupResult",
    "WebhookOutcome",
    "candidate_balance",
    "escrow_balance",
    "escrow_fund",
    "escrow_refund",
    "escrow_release",
    "escrow_split",
    "funding_amount_for",
    "payment_setup_refresh",
    "payment_setup_start",
    "payout_execute",
    "payout_request",
    "payout_setup_refresh",
    "payout_setup_start",
    "payouts_release_held",
    "pending_operations",
    "refund_execute",
    "retry_pending",
    "webhook_receive",
]
