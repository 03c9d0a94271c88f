"""Releasing escrow in parts (milestones): the arithmetic, and the ledger operation
(`escrow_release(fee_part=...)`) with its retries, refusals and what is left after."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError
from stint.core.money import Money
from stint.payments import rules, services
from stint.payments.models import Account, LedgerTransaction
from tests.payments.helpers import assert_reconciles

USD = "USD"
EMPLOYER = 7
REF = "engagement:1"


def _terms(fee: int, bps: int, payer: str) -> rules.Terms:
    pf = fee * bps // 10_000
    funded = fee + pf if payer == "employer" else fee
    return rules.Terms(funded=funded, fee=fee, platform_fee=pf, payer=payer)


# --- The arithmetic ------------------------------------------------------------------------


def test_part_release_examples() -> None:
    t = _terms(10_000, 1000, "employer")  # 11_000 in escrow
    assert rules.part_release_parts(3_333, 0, t) == (3_333, 333)
    assert rules.part_release_parts(3_333, 3_333, t) == (3_333, 333)
    assert rules.part_release_parts(3_334, 6_666, t) == (3_334, 334)  # the last part evens out
    t = _terms(10_000, 1000, "candidate")
    assert rules.part_release_parts(3_333, 0, t) == (3_000, 333)
    assert rules.part_release_parts(10_000, 0, t) == rules.release_parts(t.funded, t)
    for bad in ((0, 0), (1, -1), (10_001, 0), (1, 10_000)):
        with pytest.raises(ValueError):
            rules.part_release_parts(*bad, t)


@given(
    fee=st.integers(1, 10**9),
    bps=st.integers(0, 10_000),
    payer=st.sampled_from(rules.FEE_PAYERS),
    cuts=st.lists(st.floats(0, 1, exclude_min=True), min_size=0, max_size=8),
    order=st.randoms(use_true_random=False),
)
def test_parts_that_add_up_to_the_fee_release_exactly_a_full_release(
    fee: int, bps: int, payer: str, cuts: list[float], order: Any
) -> None:
    t = _terms(fee, bps, payer)
    points = sorted({int(fee * c) for c in cuts} - {0, fee})
    shares = [b - a for a, b in zip([0, *points], [*points, fee], strict=True)]
    order.shuffle(shares)
    released = paid = to_platform = 0
    for share in shares:
        cand, plat = rules.part_release_parts(share, released, t)
        assert cand >= 0 and plat >= 0
        released += share
        paid += cand
        to_platform += plat
    # Whatever the sizes and order: what a full release pays, and escrow is empty.
    assert (paid, to_platform) == rules.release_parts(t.funded, t)
    assert paid + to_platform == t.funded


@given(
    fee=st.integers(2, 10**9),
    bps=st.integers(0, 10_000),
    payer=st.sampled_from(rules.FEE_PAYERS),
    part=st.floats(0, 1, exclude_min=True, exclude_max=True),
    share=st.floats(0, 1),
)
def test_a_split_after_parts_hands_out_what_is_left(
    fee: int, bps: int, payer: str, part: float, share: float
) -> None:
    t = _terms(fee, bps, payer)
    released = max(1, min(fee - 1, int(fee * part)))
    cand, plat = rules.part_release_parts(released, 0, t)
    left = t.funded - cand - plat
    fee_left = rules.fee_left_in(left, t)
    assert fee_left >= fee - released  # the unreleased fee can always be given
    c, p, r = rules.split_parts(left, int((fee - released) * share), t)
    assert c + p + r == left and min(c, p, r) >= 0


# --- The ledger operation -----------------------------------------------------------------------


def usd(n: int) -> Money:
    return Money(n, USD)


def balance(kind: str, owner: str = "") -> int:
    acc = Account.objects.filter(kind=kind, owner_ref=owner, currency=USD).first()
    return acc.balance if acc else 0


def release(candidate: User, key: str, part: int) -> LedgerTransaction:
    return services.escrow_release(
        ref=REF, candidate_id=candidate.pk, idempotency_key=key, fee_part=usd(part)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("payer", ["employer", "candidate"])
def test_parts_release_their_share_and_empty_escrow(settings: Any, alice: User, payer: str) -> None:
    settings.STINT_PLATFORM_FEE_PAYER = payer
    services.escrow_fund(ref=REF, employer_id=EMPLOYER, fee=usd(10_000), idempotency_key="f")
    funded = services.escrow_balance(REF, USD).amount
    first = release(alice, "m1", 3_333)
    assert first.kind == "escrow_release" and first.details["fee_part"] == 3_333
    assert balance("platform_revenue") == 333
    assert services.candidate_balance(alice.pk, USD) == usd(3_333 if payer == "employer" else 3_000)
    assert services.escrow_balance(REF, USD).amount == funded - first.amount
    # A retry with the key returns the first transaction and moves nothing.
    assert release(alice, "m1", 3_333).pk == first.pk
    with pytest.raises(ConflictError):
        release(alice, "m1", 3_334)  # the same key for another part
    with pytest.raises(DomainError) as exc:
        release(alice, "too-much", 6_668)  # more than the fee left
    assert exc.value.field == "fee_part"
    release(alice, "m2", 3_333)
    release(alice, "m3", 3_334)
    assert services.escrow_balance(REF, USD) == usd(0)
    assert balance("platform_revenue") == 1_000
    assert services.candidate_balance(alice.pk, USD) == usd(
        10_000 if payer == "employer" else 9_000
    )
    with pytest.raises(DomainError) as exc:
        release(alice, "m4", 1)
    assert exc.value.code == "insufficient_funds"
    assert LedgerTransaction.objects.filter(ref=REF, kind="escrow_release").count() == 3
    assert_reconciles()


@pytest.mark.django_db
def test_what_parts_leave_is_refunded_or_split(alice: User) -> None:
    services.escrow_fund(ref=REF, employer_id=EMPLOYER, fee=usd(10_000), idempotency_key="f")
    release(alice, "m1", 4_000)  # 4_000 + 400 out of 11_000
    tx = services.escrow_split(
        ref=REF,
        employer_id=EMPLOYER,
        candidate_id=alice.pk,
        to_candidate=usd(6_000),  # all the fee still held
        idempotency_key="split",
    )
    assert tx.details["to_candidate"] == 6_000 and tx.details["refund"] == 0
    assert services.escrow_balance(REF, USD) == usd(0)
    assert services.candidate_balance(alice.pk, USD) == usd(10_000)
    assert balance("platform_revenue") == 1_000
    assert_reconciles()
