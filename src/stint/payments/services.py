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
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from stint.accounts.models import User
from stint.core import metrics
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
    ProviderEvent,
    ProviderOperation,
    TransactionKind,
)
from stint.payments.providers import (
    PaymentProvider,
    ProviderDeclined,
    ProviderError,
    WebhookEvent,
    get_provider,
)

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
) -> LedgerTransaction:
    """Write one balanced transaction. The caller holds the locks on every account."""
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
    """Who pays or is paid at the provider. The sandbox accepts anyone."""
    found = ProviderAccount.objects.filter(
        provider=provider.name, owner_kind=kind, owner_id=owner_id
    ).first()
    if found is not None:
        return found
    if provider.name == "sandbox":
        return ProviderAccount(
            provider="sandbox", owner_kind=kind, owner_id=owner_id, external_id=f"{kind}:{owner_id}"
        )
    if kind == "employer":
        raise DomainError("no_payment_method", "The employer has no saved payment method.")
    raise DomainError(
        "no_payout_account", "Connect a payout account before asking for a payout.", "currency"
    )


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


def escrow_release(*, ref: str, candidate_id: int, idempotency_key: str) -> LedgerTransaction:
    """Release what is left in escrow(ref): the candidate gets the fee (less the platform
    fee when they pay it), platform revenue gets the platform fee."""
    _check_ref(ref)
    _check_key(idempotency_key)
    fp = rules.fingerprint("escrow_release", ref=ref, candidate_id=candidate_id)
    found = _existing(LedgerTransaction, idempotency_key, fp)
    if found is not None:
        return found
    currency = _escrow_currency(ref)
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
            to_candidate, to_platform = rules.release_parts(left, _terms(ref, currency))
            return _post(
                kind=TransactionKind.ESCROW_RELEASE,
                key=idempotency_key,
                fingerprint=fp,
                currency=currency,
                amount=left,
                ref=ref,
                memo=f"Escrow released for {ref}",
                details={
                    "candidate_id": candidate_id,
                    "to_candidate": to_candidate,
                    "to_platform": to_platform,
                },
                legs=[
                    (escrow, -left),
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
        return payout
    provider = get_provider(payout.provider)
    _pause_point("before_payout_call")
    try:
        destination = _provider_account(provider, "candidate", payout.candidate_id)
        result = provider.payout(
            amount=payout.money,
            destination=destination.external_id,
            description=f"Stint payout #{payout.pk}",
            idempotency_key=payout.idempotency_key,
        )
    except (ProviderDeclined, DomainError) as exc:
        metrics.payment_failed(provider=provider.name, operation="payout")
        return _payout_failed(payout, getattr(exc, "message", str(exc)))
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
    _provider_account(provider, "candidate", actor.pk)  # refuse early without a payout account
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
                created_at=now,
                updated_at=now,
            )
            enqueue_on_commit(execute_payout, payout.pk)
    except _AlreadyDone:
        return Payout.objects.get(idempotency_key=idempotency_key)
    _pause_point("after_payout_ledger")
    return payout


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
    refunds, payouts = pending_operations()
    for pk in refunds:
        refund_execute(operation_id=pk)
    for pk in payouts:
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
    "payout_request",
]
