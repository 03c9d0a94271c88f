"""Provider calls for money going out, run after the ledger has committed them.

Each task takes an id, and is idempotent: it does nothing once the operation is
settled, and the provider sees the same idempotency key on every attempt."""

from __future__ import annotations

from django_tasks import task


@task()
def execute_payout(payout_id: int) -> None:
    from stint.payments.services import payout_execute

    payout_execute(payout_id=payout_id)


@task()
def execute_refund(operation_id: int) -> None:
    from stint.payments.services import refund_execute

    refund_execute(operation_id=operation_id)


@task()
def retry_pending_operations() -> None:
    """A sweep for refunds and payouts left pending by an unreachable provider."""
    from stint.payments.services import retry_pending

    retry_pending()
