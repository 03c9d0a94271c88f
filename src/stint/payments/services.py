"""Every movement of money: the double-entry ledger and the provider calls it records.

Payments know nothing of engagements: an escrow is identified by an opaque `ref`
("engagement:42"), an employer by its organisation id, a candidate by user id.

How it stays right (docs/decisions/0005-ledger.md):
- Idempotency: each operation has a caller-chosen key, stored UNIQUE with a
  fingerprint of the arguments. The same key again returns the first result and
  moves nothing; the same key with other arguments raises ConflictError (409).
- Locks: the accounts an operation touches are locked with SELECT … FOR UPDATE in
  ascending id order, then the key is checked again and balances are read from
  the locked rows, so concurrent calls never deadlock and never double-spend.
- Money coming in (a charge) is taken at the provider *before* the ledger records
  it; money going out (refunds, payouts) is recorded in the ledger *first* and sent
  by a task after commit. The provider sees our key each time, so any crash in
  between is finished by calling the same operation with the same key again.
- Provider calls never run inside a database transaction of ours: these
  functions are deliberately not wrapped in @transaction.atomic as a whole.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from stint.accounts.models import User
from stint.audit import services as audit
from stint.core import jobs, metrics
from stint.core.errors import ConflictError, DomainError, NotFound
from stint.core.money import CURRENCY_EXPONENTS, Money
from stint.core.tasks import enqueue_on_commit
from stint.payments import rules
from stint.payments.models import (
    Account,
    AccountKind,
    Entry,
    LedgerTransaction,
    OperationStatus,
    Payout,
    PayoutStatus,
    ProviderAccount,
    ProviderAccountStatus,
    ProviderEvent,
    ProviderOperation,
    TransactionKind,
)
from stint.payments.providers import (
    AccountState,
    PaymentProvider,
    ProviderDeclined,
    ProviderError,
    WebhookEvent,
    get_provider,
)
from stint.payments.providers.objects import connected_account_state, setup_intent_state
from stint.payments.selectors import access_employer_setup, access_payout_setup

log = logging.getLogger("stint.payments")

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
    while True:  # pragma: no cover - killed by the test
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


def _lock(accounts: Sequence[Account]) -> dict[tuple[str, str, str], Account]:
    """Lock the accounts in ascending id order (the one fixed order every operation
    uses) and return the fresh rows keyed by (kind, owner_ref, currency)."""
    ids = sorted({a.pk for a in accounts})
    locked = list(Account.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    return {(a.kind, a.owner_ref, a.currency): a for a in locked}


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


def _terms(ref: str, currency: str) -> rules.Terms:
    funds = LedgerTransaction.objects.filter(
        ref=ref, currency=currency, kind=TransactionKind.ESCROW_FUND
    ).order_by("pk")
    funded = fee = platform_fee = 0
    payer = "employer"
    for i, tx in enumerate(funds):
        funded += tx.amount
        fee += int(tx.details.get("fee", 0))
        platform_fee += int(tx.details.get("platform_fee", 0))
        if i == 0:
            payer = tx.details.get("payer", "employer")
    return rules.Terms(funded=funded, fee=fee, platform_fee=platform_fee, payer=payer)


def _fee_released_in_parts(ref: str, currency: str) -> int:
    """How much of the fee earlier part releases (`fee_part`) took out of escrow(ref)."""
    releases = LedgerTransaction.objects.filter(
        ref=ref, currency=currency, kind=TransactionKind.ESCROW_RELEASE
    ).values_list("details", flat=True)
    return sum(int(d.get("fee_part", 0)) for d in releases)


def _escrow_currency(ref: str) -> str:
    """The currency an escrow holds money in (an escrow is funded in one currency)."""
    held = list(
        Account.objects.filter(kind=AccountKind.ESCROW, owner_ref=ref, balance__gt=0)
        .values_list("currency", flat=True)
        .order_by("currency")
    )
    if not held:
        raise DomainError("insufficient_funds", f"Nothing is held in escrow for {ref}.")
    if len(held) > 1:
        raise DomainError("mixed_currencies", f"The escrow for {ref} holds several currencies.")
    return held[0]


def _funder(ref: str, currency: str) -> int | None:
    first = (
        LedgerTransaction.objects.filter(ref=ref, currency=currency, kind="escrow_fund")
        .order_by("pk")
        .first()
    )
    return int(first.details["employer_id"]) if first else None


def _check_ref(ref: str) -> None:
    if not ref or len(ref) > 100:
        raise DomainError("bad_ref", "An escrow ref is 1 to 100 characters.", "ref")


def _provider_account(provider: PaymentProvider, kind: str, owner_id: int) -> ProviderAccount:
    """Who pays at the provider: the employer's ready account (a saved payment method,
    from payment_setup_*). The sandbox charges an employer who has not set up payment
    to an implicit test card, so funding never waits on a demo step; Stripe refuses.
    (Payouts go only to a ready account: see _payout_destination.)"""
    found = ProviderAccount.objects.filter(
        provider=provider.name, owner_kind=kind, owner_id=owner_id, status="ready"
    ).first()
    if found is not None:
        return found
    if provider.name == "sandbox":
        return ProviderAccount(
            provider="sandbox", owner_kind=kind, owner_id=owner_id, external_id=f"{kind}:{owner_id}"
        )
    if kind == "employer":
        raise DomainError(
            "no_payment_method",
            "The employer has no saved payment method: an owner or admin adds one on the "
            "organisation's page.",
        )
    raise DomainError(
        "no_payout_account", "Connect a payout account before asking for a payout.", "currency"
    )


def _payout_destination(provider: PaymentProvider, candidate_id: int) -> ProviderAccount | None:
    """The candidate's payout account if it is ready (payouts enabled), else None: a
    payout is then held, with any provider, until payout setup completes."""
    return ProviderAccount.objects.filter(
        provider=provider.name,
        owner_kind="candidate",
        owner_id=candidate_id,
        status=ProviderAccountStatus.READY,
    ).first()


# --- Escrow ----------------------------------------------------------------------


def escrow_fund(
    *, ref: str, employer_id: int, fee: Money, idempotency_key: str
) -> LedgerTransaction:
    """Charge the employer funding_amount_for(fee) through the provider, then move it
    into escrow(ref). Safe to call again with the same key after any failure."""
    _check_ref(ref)
    _check_key(idempotency_key)
    amount = funding_amount_for(fee)
    bps, payer = _fee_terms()
    fp = rules.fingerprint(
        "escrow_fund", ref=ref, employer_id=employer_id, fee=fee.amount, currency=fee.currency
    )
    found = _existing(LedgerTransaction, idempotency_key, fp)
    if found is not None:
        return found
    provider = get_provider()
    payer_account = _provider_account(provider, "employer", employer_id)
    try:
        charge = provider.charge(
            amount=amount,
            customer=payer_account.external_id,
            payment_method=payer_account.payment_method,
            description=f"Stint escrow {ref}",
            idempotency_key=idempotency_key,
        )
    except ProviderDeclined as exc:
        metrics.payment_failed(provider=provider.name, operation="charge")
        raise DomainError("payment_declined", f"The payment was declined: {exc.message}") from exc
    except ProviderError as exc:
        metrics.payment_failed(provider=provider.name, operation="charge")
        raise DomainError(
            "provider_unavailable",
            "The payment provider could not be reached; try again (nothing was recorded).",
        ) from exc
    if charge.amount != amount:
        raise DomainError("provider_mismatch", "The provider charged a different amount.")
    _pause_point("after_charge")
    employer = _account(AccountKind.EMPLOYER, str(employer_id), fee.currency)
    escrow = _account(AccountKind.ESCROW, ref, fee.currency)
    try:
        with transaction.atomic():
            locked = _lock([employer, escrow])
            found = _existing(LedgerTransaction, idempotency_key, fp)
            if found is not None:
                return found
            return _post(
                kind=TransactionKind.ESCROW_FUND,
                key=idempotency_key,
                fingerprint=fp,
                currency=fee.currency,
                amount=amount.amount,
                ref=ref,
                memo=f"Escrow funded for {ref}",
                provider=provider.name,
                provider_ref=charge.provider_ref,
                details={
                    "employer_id": employer_id,
                    "fee": fee.amount,
                    "platform_fee": amount.amount - fee.amount
                    if payer == "employer"
                    else rules.platform_fee(fee, bps).amount,
                    "payer": payer,
                    "bps": bps,
                },
                legs=[
                    (
                        locked[(AccountKind.EMPLOYER, str(employer_id), fee.currency)],
                        -amount.amount,
                    ),
                    (locked[(AccountKind.ESCROW, ref, fee.currency)], amount.amount),
                ],
            )
    except _AlreadyDone as done:
        return done.transaction


def escrow_release(
    *, ref: str, candidate_id: int, idempotency_key: str, fee_part: Money | None = None
) -> LedgerTransaction:
    """Release what is left in escrow(ref): the candidate gets the fee (less the platform
    fee when they pay it), platform revenue gets the platform fee.

    With `fee_part`, release only that part of the fee (a milestone): the platform's
    cut of it is cumulative over the parts (`rules.part_release_parts`), so parts that
    add up to the fee release exactly what a full release would and empty the escrow."""
    _check_ref(ref)
    _check_key(idempotency_key)
    if fee_part is None:
        fp = rules.fingerprint("escrow_release", ref=ref, candidate_id=candidate_id)
    else:
        fp = rules.fingerprint(
            "escrow_release",
            ref=ref,
            candidate_id=candidate_id,
            fee_part=fee_part.amount,
            currency=fee_part.currency,
        )
    found = _existing(LedgerTransaction, idempotency_key, fp)
    if found is not None:
        return found
    if fee_part is not None and fee_part.amount <= 0:
        raise DomainError("bad_amount", "Release a positive part of the fee.", "fee_part")
    currency = _escrow_currency(ref)
    if fee_part is not None and fee_part.currency != currency:
        raise DomainError("bad_currency", f"The escrow holds {currency}.", "fee_part")
    accounts = [
        _account(AccountKind.ESCROW, ref, currency),
        _account(AccountKind.CANDIDATE, str(candidate_id), currency),
        _account(AccountKind.PLATFORM_REVENUE, "", currency),
    ]
    try:
        with transaction.atomic():
            locked = _lock(accounts)
            found = _existing(LedgerTransaction, idempotency_key, fp)
            if found is not None:
                return found
            escrow = locked[(AccountKind.ESCROW, ref, currency)]
            left = escrow.balance
            if left <= 0:
                raise DomainError("insufficient_funds", f"Nothing is left in escrow for {ref}.")
            terms = _terms(ref, currency)
            details: dict = {"candidate_id": candidate_id}
            if fee_part is None:
                to_candidate, to_platform = rules.release_parts(left, terms)
            else:
                before = _fee_released_in_parts(ref, currency)
                if before + fee_part.amount > terms.fee:
                    raise DomainError(
                        "insufficient_funds",
                        "That part is more than the fee left in escrow.",
                        "fee_part",
                    )
                to_candidate, to_platform = rules.part_release_parts(fee_part.amount, before, terms)
                if to_candidate + to_platform > left:
                    raise DomainError(
                        "insufficient_funds", f"Not enough is left in escrow for {ref}.", "fee_part"
                    )
                details["fee_part"] = fee_part.amount
            out = to_candidate + to_platform
            details.update({"to_candidate": to_candidate, "to_platform": to_platform})
            return _post(
                kind=TransactionKind.ESCROW_RELEASE,
                key=idempotency_key,
                fingerprint=fp,
                currency=currency,
                amount=out,
                ref=ref,
                memo=f"Escrow released for {ref}"
                if fee_part is None
                else f"Escrow released in part for {ref}",
                details=details,
                legs=[
                    (escrow, -out),
                    (locked[(AccountKind.CANDIDATE, str(candidate_id), currency)], to_candidate),
                    (locked[(AccountKind.PLATFORM_REVENUE, "", currency)], to_platform),
                ],
            )
    except _AlreadyDone as done:
        return done.transaction


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


def escrow_refund(*, ref: str, employer_id: int, idempotency_key: str) -> LedgerTransaction:
    """Return all that is left in escrow(ref) to the employer; the provider refund is
    sent by a task after commit (and again by calling this with the same key)."""
    _check_ref(ref)
    _check_key(idempotency_key)
    fp = rules.fingerprint("escrow_refund", ref=ref, employer_id=employer_id)
    found = _existing(LedgerTransaction, idempotency_key, fp)
    if found is not None:
        _enqueue_refunds(found)
        return found
    currency = _escrow_currency(ref)
    if _funder(ref, currency) != employer_id:
        raise DomainError(
            "not_the_funder", "Only the employer who paid is refunded.", "employer_id"
        )
    provider = get_provider()
    accounts = [
        _account(AccountKind.ESCROW, ref, currency),
        _account(AccountKind.EMPLOYER, str(employer_id), currency),
    ]
    try:
        with transaction.atomic():
            locked = _lock(accounts)
            found = _existing(LedgerTransaction, idempotency_key, fp)
            if found is not None:
                _enqueue_refunds(found)
                return found
            escrow = locked[(AccountKind.ESCROW, ref, currency)]
            left = escrow.balance
            if left <= 0:
                raise DomainError("insufficient_funds", f"Nothing is left in escrow for {ref}.")
            tx = _post(
                kind=TransactionKind.REFUND,
                key=idempotency_key,
                fingerprint=fp,
                currency=currency,
                amount=left,
                ref=ref,
                memo=f"Escrow refunded for {ref}",
                provider=provider.name,
                details={"employer_id": employer_id, "refund": left},
                legs=[
                    (escrow, -left),
                    (locked[(AccountKind.EMPLOYER, str(employer_id), currency)], left),
                ],
            )
            _refund_operations(tx, ref, currency, left, provider)
            _pause_point("after_refund_ledger")
            _enqueue_refunds(tx)
            return tx
    except _AlreadyDone as done:
        return done.transaction


def escrow_split(
    *, ref: str, employer_id: int, candidate_id: int, to_candidate: Money, idempotency_key: str
) -> LedgerTransaction:
    """A partial release (cancellation or dispute): `to_candidate` of the fee goes to
    the candidate (the platform fee charged pro rata on it), the rest is refunded."""
    _check_ref(ref)
    _check_key(idempotency_key)
    fp = rules.fingerprint(
        "escrow_split",
        ref=ref,
        employer_id=employer_id,
        candidate_id=candidate_id,
        to_candidate=to_candidate.amount,
        currency=to_candidate.currency,
    )
    found = _existing(LedgerTransaction, idempotency_key, fp)
    if found is not None:
        _enqueue_refunds(found)
        return found
    if to_candidate.amount < 0:
        raise DomainError("bad_amount", "The candidate's share is not negative.", "to_candidate")
    currency = _escrow_currency(ref)
    if to_candidate.currency != currency:
        raise DomainError("bad_currency", f"The escrow holds {currency}.", "to_candidate")
    if _funder(ref, currency) != employer_id:
        raise DomainError(
            "not_the_funder", "Only the employer who paid is refunded.", "employer_id"
        )
    provider = get_provider()
    accounts = [
        _account(AccountKind.ESCROW, ref, currency),
        _account(AccountKind.EMPLOYER, str(employer_id), currency),
        _account(AccountKind.CANDIDATE, str(candidate_id), currency),
        _account(AccountKind.PLATFORM_REVENUE, "", currency),
    ]
    try:
        with transaction.atomic():
            locked = _lock(accounts)
            found = _existing(LedgerTransaction, idempotency_key, fp)
            if found is not None:
                _enqueue_refunds(found)
                return found
            escrow = locked[(AccountKind.ESCROW, ref, currency)]
            left = escrow.balance
            if left <= 0:
                raise DomainError("insufficient_funds", f"Nothing is left in escrow for {ref}.")
            terms = _terms(ref, currency)
            if to_candidate.amount > rules.fee_left_in(left, terms):
                raise DomainError(
                    "insufficient_funds",
                    "The candidate's share is more than the fee left in escrow.",
                    "to_candidate",
                )
            cand, plat, refund = rules.split_parts(left, to_candidate.amount, terms)
            tx = _post(
                kind=TransactionKind.PARTIAL_RELEASE,
                key=idempotency_key,
                fingerprint=fp,
                currency=currency,
                amount=left,
                ref=ref,
                memo=f"Escrow split for {ref}",
                provider=provider.name,
                details={
                    "employer_id": employer_id,
                    "candidate_id": candidate_id,
                    "to_candidate": cand,
                    "to_platform": plat,
                    "refund": refund,
                },
                legs=[
                    (escrow, -left),
                    (locked[(AccountKind.CANDIDATE, str(candidate_id), currency)], cand),
                    (locked[(AccountKind.PLATFORM_REVENUE, "", currency)], plat),
                    (locked[(AccountKind.EMPLOYER, str(employer_id), currency)], refund),
                ],
            )
            if refund > 0:
                _refund_operations(tx, ref, currency, refund, provider)
                _enqueue_refunds(tx)
            return tx
    except _AlreadyDone as done:
        return done.transaction


def escrow_balance(ref: str, currency: str) -> Money:
    account = Account.objects.filter(
        kind=AccountKind.ESCROW, owner_ref=ref, currency=currency
    ).first()
    return Money(account.balance if account else 0, currency)


def candidate_balance(candidate_id: int, currency: str) -> Money:
    account = Account.objects.filter(
        kind=AccountKind.CANDIDATE, owner_ref=str(candidate_id), currency=currency
    ).first()
    return Money(account.balance if account else 0, currency)


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
            locked = _lock([source, sink])
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


# --- Provider calls for money going out (run by tasks, idempotent) -----------------


def refund_execute(*, operation_id: int) -> ProviderOperation:
    """Send one recorded refund to the provider. Declined: the ledger is reversed
    (the money goes back into escrow). Unreachable: left pending for a retry."""
    op = ProviderOperation.objects.select_related("transaction").get(pk=operation_id)
    if op.status != OperationStatus.PENDING:
        return op
    provider = get_provider(op.provider)
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
        op = ProviderOperation.objects.select_for_update().get(pk=op.pk)
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
        op = ProviderOperation.objects.select_for_update().get(pk=op.pk)
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


def payout_execute(*, payout_id: int) -> Payout:
    """Send one recorded payout to the provider (see refund_execute for failures)."""
    payout = Payout.objects.get(pk=payout_id)
    if payout.status != PayoutStatus.REQUESTED:
        return payout  # held payouts wait for payouts_release_held
    provider = get_provider(payout.provider)
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
        payout = Payout.objects.select_for_update().get(pk=payout.pk)
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
        payout = Payout.objects.select_for_update().get(pk=payout.pk)
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
    provider = get_provider()
    # Without a ready payout account the payout is booked but held (not sent) until
    # payout setup completes; payouts_release_held then sends it.
    ready = _payout_destination(provider, actor.pk) is not None
    accounts = [
        _account(AccountKind.CANDIDATE, str(actor.pk), currency),
        _account(AccountKind.PROCESSOR, "", currency),
    ]
    try:
        with transaction.atomic():
            locked = _lock(accounts)
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


# --- Held payouts -----------------------------------------------------------------


def _payout_hold(payout: Payout) -> Payout:
    """Put a requested payout back on hold (its candidate's account is not ready)."""
    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=payout.pk)
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
        held = Payout.objects.select_for_update().filter(
            candidate_id=candidate_id, status=PayoutStatus.HELD
        )
        for payout in held.order_by("pk"):
            if _payout_destination(get_provider(payout.provider), candidate_id) is None:
                continue
            payout.status = PayoutStatus.REQUESTED
            payout.updated_at = timezone.now()
            payout.save(update_fields=["status", "updated_at"])
            enqueue_on_commit(execute_payout, payout.pk)
            released.append(payout)
    return released


# --- Onboarding: how a candidate gets paid, how an employer pays ---------------------
#
# Provider calls happen in the request (the answer is the page to send the person
# to), never inside a database transaction of ours, and move no money; what the
# provider answers is then written to ProviderAccount under its row lock. The
# sandbox answers "ready" at once; Stripe finishes on its hosted pages, and we learn
# the outcome from the return URL (a fresh read) or from its webhooks.


@dataclass(frozen=True)
class SetupResult:
    account: ProviderAccount
    url: str | None  # the provider's page to send the person to; None: nothing left to do
    released: list[Payout] = field(default_factory=list)  # held payouts now on their way


def _site(path: str) -> str:
    return str(settings.SITE_URL).rstrip("/") + path


def _setup_error(exc: ProviderError, provider: PaymentProvider) -> DomainError:
    metrics.payment_failed(provider=provider.name, operation="setup")
    if isinstance(exc, ProviderDeclined):
        return DomainError("setup_refused", f"The payment provider refused: {exc.message}")
    return DomainError(
        "provider_unavailable", "The payment provider could not be reached; try again."
    )


def _save_account(
    *, provider: str, kind: str, owner_id: int, state: AccountState, setup_ref: str | None = None
) -> tuple[ProviderAccount, str]:
    """Write what the provider said about an account, under its row lock; returns the
    row and the status it had before ("" for a new row). An employer's saved card
    stays in use while a replacement is being set up."""
    assert transaction.get_connection().in_atomic_block, "save inside a transaction"
    lookup = {"provider": provider, "owner_kind": kind, "owner_id": owner_id}
    row = ProviderAccount.objects.select_for_update().filter(**lookup).first()
    before = row.status if row is not None else ""
    if row is None:
        try:
            with transaction.atomic():
                row = ProviderAccount.objects.create(**lookup, external_id=state.external_id)
        except IntegrityError:
            row = ProviderAccount.objects.select_for_update().get(**lookup)
            before = row.status
    row.external_id = state.external_id or row.external_id
    if kind == "employer":
        if state.ready:
            row.status = ProviderAccountStatus.READY
            row.payment_method = state.payment_method
        elif row.status != ProviderAccountStatus.READY:
            row.status = ProviderAccountStatus.PENDING
        row.requirements = []
    else:
        row.status = state.status
        row.requirements = list(state.requirements)
    if setup_ref is not None:
        row.setup_ref = setup_ref
    row.updated_at = timezone.now()
    row.save()
    return row, before


def _record_payout_account(
    provider: str, candidate_id: int, state: AccountState, *, tell: bool = False
) -> tuple[ProviderAccount, list[Payout]]:
    """Save a candidate's payout account; when it has just become ready, release the
    held payouts. `tell`: notify the candidate (the news came from a webhook)."""
    with transaction.atomic():
        row, before = _save_account(
            provider=provider, kind="candidate", owner_id=candidate_id, state=state
        )
        released = payouts_release_held(candidate_id=candidate_id) if row.ready else []
        if tell and row.status != before and row.status != ProviderAccountStatus.PENDING:
            _tell_payout_account(candidate_id, row, released)
    return row, released


def _tell_payout_account(candidate_id: int, row: ProviderAccount, released: list[Payout]) -> None:
    from stint.notifications.services import notify

    user = User.objects.filter(pk=candidate_id, is_active=True).first()
    if user is None:
        return
    if row.ready:
        body = (
            f"{len(released)} held payout{'s are' if len(released) != 1 else ' is'} on the way."
            if released
            else "Payouts you request go to it from now on."
        )
        notify(
            user=user,
            kind="payments.setup",
            title="Your payout account is ready",
            body=body,
            url=reverse("payments_earnings"),
        )
    else:
        notify(
            user=user,
            kind="payments.setup",
            title="Your payout account needs attention",
            body="The payment provider needs more information before it can pay you; "
            "payouts are held until then.",
            url=reverse("payments_settings"),
        )


def payout_setup_start(*, actor: User, country: str = "") -> SetupResult:
    """Start (or continue) the candidate's payout setup. The sandbox's account is ready
    at once (and held payouts are released); with Stripe an Express account is created
    once and the result carries the onboarding link to send the candidate to."""
    existing = access_payout_setup(actor=actor)
    country = (country or "").strip().upper()
    if country and not rules.valid_country(country):
        raise DomainError(
            "bad_country", "Give a two-letter country code such as US or GB.", "country"
        )
    provider = get_provider()
    if existing is not None and existing.ready:
        return SetupResult(existing, None, payouts_release_held(candidate_id=actor.pk))
    try:
        onboarding = provider.payout_account_start(
            external_id=existing.external_id if existing else "",
            owner_ref=f"candidate:{actor.pk}",
            email=actor.email,
            country=country,
            return_url=_site(reverse("payments_setup_return")),
            refresh_url=_site(reverse("payments_setup_refresh")),
            idempotency_key=f"payout-account:{actor.pk}",
        )
    except ProviderError as exc:
        raise _setup_error(exc, provider) from exc
    row, released = _record_payout_account(provider.name, actor.pk, onboarding.state)
    return SetupResult(row, None if row.ready else onboarding.url, released)


def payout_setup_refresh(*, actor: User) -> SetupResult:
    """Read the candidate's payout account back from the provider (after Stripe's
    return URL, or on demand) and release held payouts if it is now ready."""
    existing = access_payout_setup(actor=actor)
    provider = get_provider()
    if existing is None:
        raise ConflictError("setup_not_started", "Start your payout setup first.")
    try:
        state = provider.payout_account_state(external_id=existing.external_id)
    except ProviderError as exc:
        raise _setup_error(exc, provider) from exc
    row, released = _record_payout_account(provider.name, actor.pk, state)
    return SetupResult(row, None, released)


def payment_setup_start(
    *, actor: User, organisation_id: int, billing_email: str = ""
) -> SetupResult:
    """An employer's owner or admin sets up how the organisation pays. The sandbox puts
    a test card on file at once; with Stripe a Customer is created once (with
    `billing_email`, default the actor's) and the result carries the Checkout page
    (setup mode) that saves a card for off-session charges."""
    org, existing = access_employer_setup(actor=actor, organisation_id=organisation_id)
    email = (billing_email or "").strip() or actor.email
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(
            "bad_email", "Give a valid email address for payment receipts.", "billing_email"
        ) from None
    provider = get_provider()
    try:
        onboarding = provider.payment_setup_start(
            external_id=existing.external_id if existing else "",
            owner_ref=f"employer:{org.pk}",
            email=email,
            name=org.name,
            success_url=_site(reverse("payments_org_setup_return", args=[org.pk]))
            + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=_site(reverse("payments_org_setup", args=[org.pk])),
            idempotency_key=f"customer:employer:{org.pk}",
        )
    except ProviderError as exc:
        raise _setup_error(exc, provider) from exc
    with transaction.atomic():
        row, _ = _save_account(
            provider=provider.name,
            kind="employer",
            owner_id=org.pk,
            state=onboarding.state,
            setup_ref=onboarding.setup_ref,
        )
    return SetupResult(row, None if onboarding.state.ready else onboarding.url)


def payment_setup_refresh(
    *, actor: User, organisation_id: int, session_ref: str | None = None
) -> SetupResult:
    """Read the employer's last setup back from the provider (Stripe's success URL
    passes `session_ref`, which must be that last session)."""
    org, existing = access_employer_setup(actor=actor, organisation_id=organisation_id)
    if existing is None:
        raise ConflictError("setup_not_started", "Start the payment setup first.")
    if session_ref is not None and session_ref != existing.setup_ref:
        raise DomainError(
            "bad_session", "This is not the organisation's latest setup session.", "session_id"
        )
    if not existing.setup_ref:  # nothing to read back (the sandbox's setup is immediate)
        return SetupResult(existing, None)
    provider = get_provider()
    try:
        state = provider.payment_setup_state(
            external_id=existing.external_id, setup_ref=existing.setup_ref
        )
    except ProviderError as exc:
        raise _setup_error(exc, provider) from exc
    with transaction.atomic():
        row, _ = _save_account(
            provider=provider.name, kind="employer", owner_id=org.pk, state=state
        )
    return SetupResult(row, None)


def _apply_account_event(provider_name: str, event: WebhookEvent) -> None:
    """`account.updated` (a connected account's payouts switched on or off) and
    `setup_intent.succeeded` (an employer's card saved) from the provider's webhooks."""
    obj = event.payload.get("data", {}).get("object", {})
    if event.type == "account.updated":
        state = connected_account_state(obj)
        row = ProviderAccount.objects.filter(
            provider=provider_name, owner_kind="candidate", external_id=state.external_id
        ).first()
        if row is not None:
            _record_payout_account(provider_name, row.owner_id, state, tell=True)
    elif event.type == "setup_intent.succeeded":
        state = setup_intent_state(obj)
        row = ProviderAccount.objects.filter(
            provider=provider_name, owner_kind="employer", external_id=state.external_id
        ).first()
        if row is not None and state.ready:
            with transaction.atomic():
                _save_account(
                    provider=provider_name, kind="employer", owner_id=row.owner_id, state=state
                )


# --- Webhooks --------------------------------------------------------------------


@dataclass(frozen=True)
class WebhookOutcome:
    event: ProviderEvent
    duplicate: bool


def webhook_receive(*, provider_name: str, payload: bytes, signature_header: str) -> WebhookOutcome:
    """Verify, store once by event id, and apply what the event tells us."""
    provider = get_provider(provider_name)
    event: WebhookEvent = provider.parse_webhook(payload, signature_header)
    try:
        with transaction.atomic():
            stored = ProviderEvent.objects.create(
                provider=provider.name,
                event_id=event.event_id,
                type=event.type,
                object_id=event.object_id,
                amount=event.amount,
                currency=event.currency,
                payload=event.payload,
            )
    except IntegrityError:
        return WebhookOutcome(
            ProviderEvent.objects.get(provider=provider.name, event_id=event.event_id), True
        )
    _apply_event(event)
    _apply_account_event(provider.name, event)
    return WebhookOutcome(stored, False)


def _apply_event(event: WebhookEvent) -> None:
    if event.type in ("transfer.reversed", "transfer.failed"):
        payout = Payout.objects.filter(provider_ref=event.object_id).first()
        if payout is not None and payout.status != PayoutStatus.FAILED:
            _payout_failed(payout, f"Provider event {event.type}")
    elif event.type in ("refund.failed", "charge.refund.updated") and event.status == "failed":
        op = ProviderOperation.objects.filter(provider_ref=event.object_id).first()
        if op is not None:
            _refund_failed(op, f"Provider event {event.type}", after_success=True)


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


__all__ = [
    "candidate_balance",
    "escrow_balance",
    "escrow_fund",
    "escrow_refund",
    "escrow_release",
    "escrow_split",
    "funding_amount_for",
    "payment_setup_refresh",
    "payment_setup_start",
    "payout_request",
    "payout_setup_refresh",
    "payout_setup_start",
    "payouts_release_held",
]
