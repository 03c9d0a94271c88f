"""Payouts: a candidate's balance booked out of the ledger, then sent by a task to
their ready payout account (held until there is one)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from stint.accounts.models import User
from stint.core import metrics
from stint.core.errors import DomainError, NotFound
from stint.core.money import Money
from stint.core.tasks import enqueue_on_commit
from stint.payments import providers, rules
from stint.payments.locks import lock_accounts, lock_held_payouts, lock_payout
from stint.payments.models import (
    Account,
    AccountKind,
    LedgerTransaction,
    Payout,
    PayoutStatus,
    ProviderAccount,
    ProviderAccountStatus,
    TransactionKind,
)
from stint.payments.providers import PaymentProvider, ProviderDeclined, ProviderError
from stint.payments.services.ledger import (
    _account,
    _AlreadyDone,
    _check_currency,
    _check_key,
    _existing,
    _pause_point,
    _post,
    _reverse,
)

log = logging.getLogger("stint.payments")


def _payout_destination(provider: PaymentProvider, candidate_id: int) -> ProviderAccount | None:
    """The candidate's payout account if it is ready (payouts enabled), else None: a
    payout is then held, with any provider, until payout setup completes."""
    return ProviderAccount.objects.filter(
        provider=provider.name,
        owner_kind="candidate",
        owner_id=candidate_id,
        status=ProviderAccountStatus.READY,
    ).first()


def candidate_balance(candidate_id: int, currency: str) -> Money:
    account = Account.objects.filter(
        kind=AccountKind.CANDIDATE, owner_ref=str(candidate_id), currency=currency
    ).first()
    return Money(account.balance if account else 0, currency)


# --- Payouts ---------------------------------------------------------------------


def payout_request(*, actor: User, currency: str, idempotency_key: str) -> Payout:
    """Pay out the candidate's whole available balance in `currency`. The ledger
    records it at once; the provider transfer is sent by a task after commit."""
    from stint.payments.tasks import execute_payout

    if not actor.is_authenticated:
        raise NotFound("No such balance.")
    _check_key(idempotency_key)
    _check_currency(currency)
    fp = rules.fingerprint("payout", candidate_id=actor.pk, currency=currency)
    found = _existing(Payout, idempotency_key, fp)
    if found is not None:
        if found.status == PayoutStatus.REQUESTED:
            enqueue_on_commit(execute_payout, found.pk)
        return found
    _existing(LedgerTransaction, idempotency_key, fp)  # a key used for another operation: 409
    provider = providers.get_provider()
    # Without a ready payout account the payout is booked but held (not sent) until
    # payout setup completes; payouts_release_held then sends it.
    ready = _payout_destination(provider, actor.pk) is not None
    accounts = [
        _account(AccountKind.CANDIDATE, str(actor.pk), currency),
        _account(AccountKind.PROCESSOR, "", currency),
    ]
    try:
        with transaction.atomic():
            locked = lock_accounts(accounts)
            found = _existing(Payout, idempotency_key, fp)
            if found is not None:
                return found
            candidate = locked[(AccountKind.CANDIDATE, str(actor.pk), currency)]
            available = candidate.balance
            if available <= 0:
                raise DomainError(
                    "insufficient_funds", f"You have no {currency} balance to pay out.", "currency"
                )
            tx = _post(
                kind=TransactionKind.PAYOUT,
                key=idempotency_key,
                fingerprint=fp,
                currency=currency,
                amount=available,
                memo="Payout requested",
                provider=provider.name,
                details={"candidate_id": actor.pk},
                actor=actor,
                legs=[
                    (candidate, -available),
                    (locked[(AccountKind.PROCESSOR, "", currency)], available),
                ],
            )
            now = timezone.now()
            payout = Payout.objects.create(
                candidate=actor,
                amount=available,
                currency=currency,
                idempotency_key=idempotency_key,
                fingerprint=fp,
                transaction=tx,
                provider=provider.name,
                status=PayoutStatus.REQUESTED if ready else PayoutStatus.HELD,
                created_at=now,
                updated_at=now,
            )
            if ready:
                enqueue_on_commit(execute_payout, payout.pk)
    except _AlreadyDone:
        return Payout.objects.get(idempotency_key=idempotency_key)
    _pause_point("after_payout_ledger")
    return payout


def payout_execute(*, payout_id: int) -> Payout:
    """Send one recorded payout to the provider (see refund_execute for failures)."""
    payout = Payout.objects.get(pk=payout_id)
    if payout.status != PayoutStatus.REQUESTED:
        return payout  # held payouts wait for payouts_release_held
    provider = providers.get_provider(payout.provider)
    _pause_point("before_payout_call")
    destination = _payout_destination(provider, payout.candidate_id)
    if destination is None:  # the account stopped being ready since the request
        return _payout_hold(payout)
    try:
        result = provider.payout(
            amount=payout.money,
            destination=destination.external_id,
            description=f"Stint payout #{payout.pk}",
            idempotency_key=payout.idempotency_key,
        )
    except ProviderDeclined as exc:
        metrics.payment_failed(provider=provider.name, operation="payout")
        return _payout_failed(payout, exc.message)
    except ProviderError as exc:
        metrics.payment_failed(provider=provider.name, operation="payout")
        Payout.objects.filter(pk=payout.pk).update(
            attempts=payout.attempts + 1,
            failure_reason=exc.message[:300],
            updated_at=timezone.now(),
        )
        log.warning("payout %s not sent: %s", payout.idempotency_key, exc.message)
        payout.refresh_from_db()
        return payout
    _pause_point("after_payout_call")
    with transaction.atomic():
        payout = lock_payout(payout.pk)
        if payout.status == PayoutStatus.REQUESTED:
            payout.status = PayoutStatus.PAID
            payout.provider_ref = result.provider_ref
            payout.attempts += 1
            payout.failure_reason = ""
            payout.updated_at = timezone.now()
            payout.save()
    return payout


def _payout_failed(payout: Payout, reason: str) -> Payout:
    with transaction.atomic():
        payout = lock_payout(payout.pk)
        if payout.status == PayoutStatus.FAILED:
            return payout
        payout.reversal = _reverse(
            payout.transaction,
            key=f"{payout.idempotency_key}#reversal",
            amount=payout.amount,
            memo=f"Payout failed: {reason}"[:300],
        )
        payout.status = PayoutStatus.FAILED
        payout.failure_reason = reason[:300]
        payout.attempts += 1
        payout.updated_at = timezone.now()
        payout.save()
    return payout


# --- Held payouts -----------------------------------------------------------------


def _payout_hold(payout: Payout) -> Payout:
    """Put a requested payout back on hold (its candidate's account is not ready)."""
    with transaction.atomic():
        payout = lock_payout(payout.pk)
        if payout.status == PayoutStatus.REQUESTED:
            payout.status = PayoutStatus.HELD
            payout.updated_at = timezone.now()
            payout.save(update_fields=["status", "updated_at"])
    return payout


def payouts_release_held(*, candidate_id: int) -> list[Payout]:
    """Send the candidate's held payouts whose provider now has a ready payout account
    for them: held → requested, and the transfer task after commit. Idempotent."""
    from stint.payments.tasks import execute_payout

    released = []
    with transaction.atomic():
        for payout in lock_held_payouts(candidate_id):
            if _payout_destination(providers.get_provider(payout.provider), candidate_id) is None:
                continue
            payout.status = PayoutStatus.REQUESTED
            payout.updated_at = timezone.now()
            payout.save(update_fields=["status", "updated_at"])
            enqueue_on_commit(execute_payout, payout.pk)
            released.append(payout)
    return released
