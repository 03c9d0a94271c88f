"""Proofs that the ledger is sound and agrees with the provider.

1. every transaction's entries sum to zero per currency (and it has at least two);
2. no escrow, candidate or platform-revenue account is below zero;
3. every cached balance equals the sum of its account's entries;
4. every provider-side record (the sandbox's books, or the webhook events received
   from Stripe) matches a ledger record of the same amount, and back.

Refunds and payouts still waiting for the provider are reported as notes, not
failures: calling the same operation with the same key (or the retry task) settles them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, F, Sum

from stint.payments.models import (
    NON_NEGATIVE_KINDS,
    Account,
    Entry,
    LedgerTransaction,
    OperationStatus,
    Payout,
    PayoutStatus,
    ProviderEvent,
    ProviderOperation,
    SandboxRecord,
    TransactionKind,
)

Step = Callable[["Report"], None]


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_transactions_balance(report: Report) -> None:
    sums = (
        Entry.objects.values("transaction_id", "account__currency")
        .annotate(total=Sum("amount"))
        .exclude(total=0)
        .order_by("transaction_id")
    )
    for row in sums:
        report.problems.append(
            f"transaction #{row['transaction_id']} does not sum to zero in "
            f"{row['account__currency']} (off by {row['total']})"
        )
    thin = LedgerTransaction.objects.annotate(n=Count("entries")).filter(n__lt=2)
    for tx in thin:
        report.problems.append(f"transaction #{tx.pk} has fewer than two entries")
    foreign = Entry.objects.exclude(account__currency=F("transaction__currency"))
    for e in foreign:
        report.problems.append(
            f"entry #{e.pk} of transaction #{e.transaction_id} is in another currency"
        )
    report.checked["transactions"] = LedgerTransaction.objects.count()


def check_accounts(report: Report) -> None:
    n = 0
    sums = dict(Entry.objects.values_list("account_id").annotate(total=Sum("amount")).order_by())
    for account in Account.objects.order_by("pk").iterator():
        n += 1
        actual = sums.get(account.pk, 0)
        if account.kind in NON_NEGATIVE_KINDS and actual < 0:
            report.problems.append(f"account {account} is negative: {actual}")
        if account.balance != actual:
            report.problems.append(
                f"account {account} caches {account.balance} but its entries sum to {actual}"
            )
    report.checked["accounts"] = n


def check_sandbox(report: Report) -> None:
    records = list(SandboxRecord.objects.order_by("pk"))
    funds = {
        tx.provider_ref: tx
        for tx in LedgerTransaction.objects.filter(
            kind=TransactionKind.ESCROW_FUND, provider="sandbox"
        )
    }
    ops = {op.provider_ref: op for op in ProviderOperation.objects.exclude(provider_ref="")}
    payouts = {p.provider_ref: p for p in Payout.objects.exclude(provider_ref="")}
    seen: set[str] = set()
    for rec in records:
        seen.add(rec.provider_ref)
        if rec.kind == "charge":
            tx = funds.get(rec.provider_ref)
            if tx is None:
                report.problems.append(
                    f"sandbox charge {rec.provider_ref} ({rec.amount} {rec.currency}, key "
                    f"{rec.idempotency_key!r}) has no ledger transaction: an interrupted "
                    "escrow_fund; call it again with the same key"
                )
            elif tx.amount != rec.amount or tx.currency != rec.currency:
                report.problems.append(
                    f"sandbox charge {rec.provider_ref} is {rec.amount} {rec.currency} but "
                    f"ledger #{tx.pk} says {tx.amount} {tx.currency}"
                )
        elif rec.kind == "refund":
            op = ops.get(rec.provider_ref)
            if op is None:
                pending = ProviderOperation.objects.filter(
                    idempotency_key=rec.idempotency_key, status=OperationStatus.PENDING
                ).exists()
                report.problems.append(
                    f"sandbox refund {rec.provider_ref} is not recorded as sent"
                    + ("; its operation is pending: run the retry" if pending else "")
                )
            elif op.amount != rec.amount or (
                op.status != OperationStatus.SUCCEEDED and not _came_back(rec.provider_ref)
            ):
                report.problems.append(
                    f"sandbox refund {rec.provider_ref} ({rec.amount}) disagrees with "
                    f"operation #{op.pk} ({op.amount}, {op.status})"
                )
        elif rec.kind == "payout":
            payout = payouts.get(rec.provider_ref)
            if payout is None:
                report.problems.append(
                    f"sandbox payout {rec.provider_ref} ({rec.amount} {rec.currency}) is not "
                    f"recorded as paid (key {rec.idempotency_key!r}); call it again with the key"
                )
            elif payout.amount != rec.amount or (
                payout.status != PayoutStatus.PAID and not _came_back(rec.provider_ref)
            ):
                report.problems.append(
                    f"sandbox payout {rec.provider_ref} ({rec.amount}) disagrees with payout "
                    f"#{payout.pk} ({payout.amount}, {payout.status})"
                )
    for ref, tx in funds.items():
        if ref not in seen:
            report.problems.append(
                f"ledger #{tx.pk} cites sandbox charge {ref} that does not exist"
            )
    for op in ProviderOperation.objects.filter(
        provider="sandbox", status=OperationStatus.SUCCEEDED
    ):
        if op.provider_ref not in seen:
            report.problems.append(f"refund operation #{op.pk} cites a missing sandbox refund")
    for p in Payout.objects.filter(provider="sandbox", status=PayoutStatus.PAID):
        if p.provider_ref not in seen:
            report.problems.append(f"payout #{p.pk} cites a missing sandbox payout")
    report.checked["sandbox records"] = len(records)


def _came_back(provider_ref: str) -> bool:
    """The provider told us (webhook) that money it had sent came back."""
    return ProviderEvent.objects.filter(
        object_id=provider_ref,
        type__in=["transfer.reversed", "transfer.failed", "refund.failed", "charge.refund.updated"],
    ).exists()


def check_events(report: Report) -> None:
    """Stripe's side as far as we know it: the webhook events received."""
    n = 0
    for event in ProviderEvent.objects.filter(provider="stripe").order_by("pk").iterator():
        n += 1
        found: object | None = None
        amount: int | None = None
        if event.type == "payment_intent.succeeded":
            tx = LedgerTransaction.objects.filter(
                kind=TransactionKind.ESCROW_FUND, provider_ref=event.object_id
            ).first()
            found, amount = tx, tx.amount if tx else None
        elif event.type in ("refund.created", "refund.updated", "charge.refund.updated"):
            op = ProviderOperation.objects.filter(provider_ref=event.object_id).first()
            found, amount = op, op.amount if op else None
        elif event.type in ("transfer.created", "transfer.updated"):
            payout = Payout.objects.filter(provider_ref=event.object_id).first()
            found, amount = payout, payout.amount if payout else None
        else:
            continue
        if found is None:
            report.problems.append(
                f"stripe event {event.event_id} ({event.type} {event.object_id}) matches no "
                "ledger record"
            )
        elif event.amount is not None and amount != event.amount:
            report.problems.append(
                f"stripe event {event.event_id} says {event.amount}, the ledger says {amount}"
            )
    report.checked["provider events"] = n


def note_pending(report: Report) -> None:
    for op in ProviderOperation.objects.filter(status=OperationStatus.PENDING):
        report.notes.append(f"refund {op.idempotency_key} ({op.amount} {op.currency}) is pending")
    for p in Payout.objects.filter(status=PayoutStatus.REQUESTED):
        report.notes.append(f"payout #{p.pk} ({p.amount} {p.currency}) awaits the provider")
    for p in Payout.objects.filter(status=PayoutStatus.HELD):
        report.notes.append(
            f"payout #{p.pk} ({p.amount} {p.currency}) is held until candidate "
            f"{p.candidate_id} finishes payout setup"
        )


STEPS: list[tuple[str, Step]] = [
    ("Transactions sum to zero", check_transactions_balance),
    ("Accounts: cached balances and no negatives", check_accounts),
    ("Sandbox books match the ledger", check_sandbox),
    ("Provider events match the ledger", check_events),
    ("Operations awaiting the provider", note_pending),
]


def reconcile(on_step: Callable[[str], None] | None = None) -> Report:
    report = Report()
    for name, step in STEPS:
        step(report)
        if on_step:
            on_step(name)
    return report
