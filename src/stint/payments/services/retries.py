"""The retry sweep: what the provider has not confirmed yet is sent again (same keys)."""

from __future__ import annotations

from stint.core import jobs
from stint.payments.models import OperationStatus, Payout, PayoutStatus, ProviderOperation
from stint.payments.services.payouts import payout_execute, payouts_release_held
from stint.payments.services.refunds import refund_execute


def pending_operations() -> tuple[list[int], list[int]]:
    """Ids of refunds and payouts the provider has not confirmed yet (for a retry sweep)."""
    refunds = list(
        ProviderOperation.objects.filter(status=OperationStatus.PENDING).values_list(
            "pk", flat=True
        )
    )
    payouts = list(
        Payout.objects.filter(status=PayoutStatus.REQUESTED).values_list("pk", flat=True)
    )
    return refunds, payouts


def retry_pending() -> int:
    # Held payouts whose account became ready without releasing them (e.g. a crash
    # between the two) are released first, then sent with the rest.
    held = (
        Payout.objects.filter(status=PayoutStatus.HELD)
        .values_list("candidate_id", flat=True)
        .distinct()
    )
    for candidate_id in list(held):
        with jobs.each_row("payments.release_held", candidate_id):
            payouts_release_held(candidate_id=candidate_id)
    refunds, payouts = pending_operations()
    for pk in refunds:
        with jobs.each_row("payments.retry_refund", pk):
            refund_execute(operation_id=pk)
    for pk in payouts:
        with jobs.each_row("payments.retry_payout", pk):
            payout_execute(payout_id=pk)
    return len(refunds) + len(payouts)
