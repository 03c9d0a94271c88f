"""The ledger's primitives: accounts, one balanced posting, reversals.

Every area (escrow, refunds, payouts) writes money through `_post`, holding the locks
on every account it touches (`stint.payments.locks.lock_accounts`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

from django.conf import settings
from django.db import IntegrityError, transaction

from stint.accounts.models import User
from stint.audit import services as audit
from stint.core.errors import ConflictError, DomainError
from stint.core.money import CURRENCY_EXPONENTS, Money
from stint.payments import rules
from stint.payments.locks import lock_accounts
from stint.payments.models import Account, AccountKind, Entry, LedgerTransaction, TransactionKind

NON_NEGATIVE = {AccountKind.ESCROW, AccountKind.CANDIDATE, AccountKind.PLATFORM_REVENUE}


# --- Test hook: pause at a named point (crash tests kill the process there) -----------


def _pause_point(name: str) -> None:
    """If STINT_PAYMENTS_PAUSE_AT names this point, announce it (touching the file in
    STINT_PAYMENTS_PAUSE_FILE) and wait forever: the crash tests SIGKILL us here."""
    if os.environ.get("STINT_PAYMENTS_PAUSE_AT") != name:
        return
    marker = os.environ.get("STINT_PAYMENTS_PAUSE_FILE")
    if marker:
        with open(marker, "w") as fh:
            fh.write(name)
    _wait_to_be_killed()


def _wait_to_be_killed() -> None:  # pragma: no cover - the crash test kills us here
    while True:
        time.sleep(0.05)


# --- Arithmetic that needs settings -------------------------------------------------


def _fee_terms() -> tuple[int, str]:
    bps = int(settings.STINT_PLATFORM_FEE_BPS)
    payer = settings.STINT_PLATFORM_FEE_PAYER
    if payer not in rules.FEE_PAYERS:
        raise DomainError("bad_settings", f"STINT_PLATFORM_FEE_PAYER is {payer!r}.")
    return bps, payer


def funding_amount_for(fee: Money) -> Money:
    """What the employer pays into escrow for a fee: the fee plus the platform fee
    when settings.STINT_PLATFORM_FEE_PAYER == "employer", else the fee."""
    if fee.amount <= 0:
        raise DomainError("bad_fee", "A fee is a positive amount.", "fee")
    bps, payer = _fee_terms()
    return rules.funding_amount(fee, bps, payer)


# --- Ledger primitives -------------------------------------------------------------


def _check_key(key: str) -> None:
    if not key or len(key) > 180:
        raise DomainError(
            "bad_idempotency_key",
            "Give an idempotency key of 1 to 180 characters.",
            "idempotency_key",
        )


def _check_currency(currency: str) -> None:
    if currency not in CURRENCY_EXPONENTS:
        raise DomainError("bad_currency", f"{currency!r} is not a supported currency.", "currency")


def _account(kind: str, owner_ref: str, currency: str) -> Account:
    account = Account.objects.filter(kind=kind, owner_ref=owner_ref, currency=currency).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(kind=kind, owner_ref=owner_ref, currency=currency)
    except IntegrityError:
        return Account.objects.get(kind=kind, owner_ref=owner_ref, currency=currency)


def _existing(model: type, key: str, fingerprint: str):  # type: ignore[no-untyped-def]
    found = model.objects.filter(idempotency_key=key).first()
    if found is not None and found.fingerprint != fingerprint:
        raise ConflictError(
            "idempotency_key_reused",
            "This idempotency key was already used for a different operation.",
            "idempotency_key",
        )
    return found


def _post(
    *,
    kind: str,
    key: str,
    fingerprint: str,
    currency: str,
    amount: int,
    legs: Sequence[tuple[Account, int]],
    ref: str = "",
    memo: str = "",
    provider: str = "",
    provider_ref: str = "",
    details: dict | None = None,
    reverses: LedgerTransaction | None = None,
    actor: User | None = None,
) -> LedgerTransaction:
    """Write one balanced transaction and its audit entry. The caller holds the
    locks on every account. `actor` is the person who moved the money, when a
    person did (a payout); escrow moves are booked by the system for the `ref`."""
    assert transaction.get_connection().in_atomic_block, "post inside a transaction"
    merged: dict[int, int] = {}
    by_id: dict[int, Account] = {}
    for account, value in legs:
        if account.currency != currency:
            raise ValueError("A leg in another currency")
        merged[account.pk] = merged.get(account.pk, 0) + value
        by_id[account.pk] = account
    if sum(merged.values()) != 0:
        raise ValueError(f"Unbalanced transaction: {merged}")
    for pk, value in merged.items():
        account = by_id[pk]
        if account.kind in NON_NEGATIVE and account.balance + value < 0:
            raise DomainError(
                "insufficient_funds",
                f"Not enough money in {account.get_kind_display().lower()}.",
            )
    try:
        with transaction.atomic():
            tx = _create_transaction(
                kind=kind,
                key=key,
                fingerprint=fingerprint,
                ref=ref,
                currency=currency,
                amount=amount,
                memo=memo,
                provider=provider,
                provider_ref=provider_ref,
                details=details,
                reverses=reverses,
            )
    except IntegrityError:
        # Another process wrote this key between our check and our insert (only
        # possible without row locks, e.g. SQLite, or across different operations).
        found = _existing(LedgerTransaction, key, fingerprint)  # other arguments: 409
        if found is None:
            raise
        raise _AlreadyDone(found) from None
    Entry.objects.bulk_create(
        [
            Entry(transaction=tx, account_id=pk, amount=value)
            for pk, value in sorted(merged.items())
            if value != 0
        ]
    )
    for pk, value in sorted(merged.items()):
        if value:
            account = by_id[pk]
            account.balance += value
            account.save(update_fields=["balance"])
    audit.record(
        actor=actor,
        action=f"money.{kind}",
        target=("ledger_transaction", tx.pk),
        after={
            "ref": ref,
            "amount": amount,
            "currency": currency,
            "key": key,
            **({"reverses": reverses.pk} if reverses is not None else {}),
        },
    )
    return tx


class _AlreadyDone(Exception):  # control flow: the key was written meanwhile
    def __init__(self, transaction: LedgerTransaction) -> None:
        self.transaction = transaction


def _create_transaction(*, key: str, details: dict | None, **fields: object) -> LedgerTransaction:
    return LedgerTransaction.objects.create(idempotency_key=key, details=details or {}, **fields)


# --- Reversals (the provider said no after the ledger had recorded money going out) --


def _reverse(tx: LedgerTransaction, *, key: str, amount: int, memo: str) -> LedgerTransaction:
    """Post the mirror of `amount` of tx's outgoing leg (the caller holds no locks)."""
    found = LedgerTransaction.objects.filter(idempotency_key=key).first()
    if found is not None:
        return found
    if tx.kind == TransactionKind.PAYOUT:
        source = tx.entries.get(amount__lt=0).account  # the candidate
        sink = tx.entries.get(amount__gt=0).account  # the processor
    else:  # a refund or split: money went escrow → employer
        sink = tx.entries.get(account__kind=AccountKind.EMPLOYER).account
        source = tx.entries.get(account__kind=AccountKind.ESCROW).account
    try:
        with transaction.atomic():
            locked = lock_accounts([source, sink])
            found = LedgerTransaction.objects.filter(idempotency_key=key).first()
            if found is not None:
                return found
            return _post(
                kind=TransactionKind.REVERSAL,
                key=key,
                fingerprint=rules.fingerprint("reversal", of=tx.pk, amount=amount),
                currency=tx.currency,
                amount=amount,
                ref=tx.ref,
                memo=memo,
                reverses=tx,
                legs=[
                    (locked[(sink.kind, sink.owner_ref, sink.currency)], -amount),
                    (locked[(source.kind, source.owner_ref, source.currency)], amount),
                ],
            )
    except _AlreadyDone as done:
        return done.transaction
