"""Every row lock payments take, by name, and the order they are taken in.

Lock order (a transaction takes locks only in this order, so two transactions never
wait on each other in a circle, i.e. never deadlock):

1. a provider account row (`lock_provider_account`): a payout account's news
   releases held payouts, so it comes before them;
2. payout rows (`lock_payout`, `lock_held_payouts`) or a refund's provider operation
   (`lock_refund_operation`): a failed payout or refund then books a reversal;
3. ledger accounts (`lock_accounts`), all an operation touches at once, in ascending
   id order.

Callers above payments (engagements) take their own rows first and the ledger
accounts last (see `stint.engagements.locks`). Every helper must run inside a
transaction: the lock lasts until it commits.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet

from stint.payments.models import Account, Payout, PayoutStatus, ProviderAccount, ProviderOperation


def lock_accounts(accounts: Sequence[Account]) -> dict[tuple[str, str, str], Account]:
    """Lock the ledger accounts in ascending id order and return the fresh rows keyed by
    (kind, owner_ref, currency): balances are read from these, never from the rows
    passed in, which may be stale."""
    ids = sorted({a.pk for a in accounts})
    locked = list(Account.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    return {(a.kind, a.owner_ref, a.currency): a for a in locked}


def lock_payout(payout_id: int) -> Payout:
    return Payout.objects.select_for_update().get(pk=payout_id)


def lock_held_payouts(candidate_id: int) -> QuerySet[Payout]:
    """The candidate's held payouts, locked when the query is read (in id order)."""
    return (
        Payout.objects.select_for_update()
        .filter(candidate_id=candidate_id, status=PayoutStatus.HELD)
        .order_by("pk")
    )


def lock_refund_operation(operation_id: int) -> ProviderOperation:
    return ProviderOperation.objects.select_for_update().get(pk=operation_id)


def lock_provider_account(
    *, provider: str, owner_kind: str, owner_id: int
) -> ProviderAccount | None:
    return (
        ProviderAccount.objects.select_for_update()
        .filter(provider=provider, owner_kind=owner_kind, owner_id=owner_id)
        .first()
    )
