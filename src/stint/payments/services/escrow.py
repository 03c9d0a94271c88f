"""Escrow: the employer's money held for an engagement (`ref`), then released to the
candidate, refunded to the employer, or split between them."""

from __future__ import annotations

from django.db import transaction

from stint.core import metrics
from stint.core.errors import DomainError
from stint.core.money import Money
from stint.payments import providers, rules
from stint.payments.locks import lock_accounts
from stint.payments.models import (
    Account,
    AccountKind,
    LedgerTransaction,
    ProviderAccount,
    TransactionKind,
)
from stint.payments.providers import PaymentProvider, ProviderDeclined, ProviderError
from stint.payments.services.ledger import (
    _account,
    _AlreadyDone,
    _check_key,
    _existing,
    _fee_terms,
    _pause_point,
    _post,
    funding_amount_for,
)
from stint.payments.services.refunds import _enqueue_refunds, _refund_operations


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


def _provider_account(provider: PaymentProvider, employer_id: int) -> ProviderAccount:
    """Who pays at the provider: the employer's ready account (a saved payment method,
    from payment_setup_*). The sandbox charges an employer who has not set up payment
    to an implicit test card, so funding never waits on a demo step; Stripe refuses."""
    found = ProviderAccount.objects.filter(
        provider=provider.name, owner_kind="employer", owner_id=employer_id, status="ready"
    ).first()
    if found is not None:
        return found
    if provider.name == "sandbox":
        return ProviderAccount(
            provider="sandbox",
            owner_kind="employer",
            owner_id=employer_id,
            external_id=f"employer:{employer_id}",
        )
    raise DomainError(
        "no_payment_method",
        "The employer has no saved payment method: an owner or admin adds one on the "
        "organisation's page.",
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
    provider = providers.get_provider()
    payer_account = _provider_account(provider, employer_id)
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
            locked = lock_accounts([employer, escrow])
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
            locked = lock_accounts(accounts)
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
    provider = providers.get_provider()
    accounts = [
        _account(AccountKind.ESCROW, ref, currency),
        _account(AccountKind.EMPLOYER, str(employer_id), currency),
    ]
    try:
        with transaction.atomic():
            locked = lock_accounts(accounts)
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
    provider = providers.get_provider()
    accounts = [
        _account(AccountKind.ESCROW, ref, currency),
        _account(AccountKind.EMPLOYER, str(employer_id), currency),
        _account(AccountKind.CANDIDATE, str(candidate_id), currency),
        _account(AccountKind.PLATFORM_REVENUE, "", currency),
    ]
    try:
        with transaction.atomic():
            locked = lock_accounts(accounts)
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
