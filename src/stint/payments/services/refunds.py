"""Refunds at the provider: the outbox rows a refund or split books, and the task that
sends each one (a refusal puts the money back into escrow)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from stint.core import metrics
from stint.core.money import Money
from stint.core.tasks import enqueue_on_commit
from stint.payments import providers, rules
from stint.payments.locks import lock_refund_operation
from stint.payments.models import (
    LedgerTransaction,
    OperationStatus,
    ProviderOperation,
    TransactionKind,
)
from stint.payments.providers import PaymentProvider, ProviderDeclined, ProviderError
from stint.payments.services.ledger import _pause_point, _reverse

log = logging.getLogger("stint.payments")


def _refund_operations(
    tx: LedgerTransaction, ref: str, currency: str, amount: int, provider: PaymentProvider
) -> list[ProviderOperation]:
    """Outbox rows refunding `amount` against the escrow's charges, oldest first."""
    charges = LedgerTransaction.objects.filter(
        ref=ref, currency=currency, kind=TransactionKind.ESCROW_FUND
    ).order_by("pk")
    sources = []
    for charge in charges:
        refunded = (
            ProviderOperation.objects.filter(charge_ref=charge.provider_ref)
            .exclude(status=OperationStatus.FAILED)
            .aggregate(total=Sum("amount"))["total"]
            or 0
        )
        sources.append((charge.provider_ref, charge.amount - refunded))
    ops = []
    now = timezone.now()
    for i, (charge_ref, part) in enumerate(rules.allocate(amount, sources)):
        ops.append(
            ProviderOperation.objects.create(
                kind="refund",
                transaction=tx,
                idempotency_key=f"{tx.idempotency_key}#refund{i}",
                amount=part,
                currency=currency,
                charge_ref=charge_ref,
                provider=charges[0].provider or provider.name,
                created_at=now,
                updated_at=now,
            )
        )
    return ops


def _enqueue_refunds(tx: LedgerTransaction) -> None:
    from stint.payments.tasks import execute_refund

    for op in tx.operations.filter(status=OperationStatus.PENDING):
        enqueue_on_commit(execute_refund, op.pk)


# --- Provider calls for money going out (run by tasks, idempotent) -----------------


def refund_execute(*, operation_id: int) -> ProviderOperation:
    """Send one recorded refund to the provider. Declined: the ledger is reversed
    (the money goes back into escrow). Unreachable: left pending for a retry."""
    op = ProviderOperation.objects.select_related("transaction").get(pk=operation_id)
    if op.status != OperationStatus.PENDING:
        return op
    provider = providers.get_provider(op.provider)
    try:
        result = provider.refund(
            amount=Money(op.amount, op.currency),
            charge_ref=op.charge_ref,
            idempotency_key=op.idempotency_key,
        )
    except ProviderDeclined as exc:
        metrics.payment_failed(provider=provider.name, operation="refund")
        return _refund_failed(op, exc.message)
    except ProviderError as exc:
        metrics.payment_failed(provider=provider.name, operation="refund")
        ProviderOperation.objects.filter(pk=op.pk).update(
            attempts=op.attempts + 1, last_error=exc.message[:300], updated_at=timezone.now()
        )
        log.warning("refund %s not sent: %s", op.idempotency_key, exc.message)
        op.refresh_from_db()
        return op
    _pause_point("after_refund_call")
    with transaction.atomic():
        op = lock_refund_operation(op.pk)
        if op.status == OperationStatus.PENDING:
            op.status = OperationStatus.SUCCEEDED
            op.provider_ref = result.provider_ref
            op.attempts += 1
            op.updated_at = timezone.now()
            op.save()
    return op


def _refund_failed(
    op: ProviderOperation, reason: str, *, after_success: bool = False
) -> ProviderOperation:
    """Mark a refund failed and put its money back into escrow. `after_success`: the
    provider reported the failure later (webhook) for a refund it had accepted."""
    allowed = (
        {OperationStatus.PENDING, OperationStatus.SUCCEEDED}
        if after_success
        else {OperationStatus.PENDING}
    )
    with transaction.atomic():
        op = lock_refund_operation(op.pk)
        if op.status not in allowed:
            return op
        _reverse(
            op.transaction,
            key=f"{op.idempotency_key}#reversal",
            amount=op.amount,
            memo=f"Refund refused by the provider: {reason}"[:300],
        )
        op.status = OperationStatus.FAILED
        op.last_error = reason[:300]
        op.attempts += 1
        op.updated_at = timezone.now()
        op.save()
    return op
