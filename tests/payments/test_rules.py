"""The ledger's arithmetic, without a database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stint.core.money import Money
from stint.payments import rules


def test_funding_amount_by_payer() -> None:
    fee = Money(10_000, "USD")
    assert rules.funding_amount(fee, 1000, "employer") == Money(11_000, "USD")
    assert rules.funding_amount(fee, 1000, "candidate") == fee
    assert rules.funding_amount(Money(999, "USD"), 1000, "employer") == Money(1098, "USD")
    with pytest.raises(ValueError):
        rules.funding_amount(fee, 1000, "nobody")
    with pytest.raises(ValueError):
        rules.funding_amount(Money(0, "USD"), 1000, "employer")


def _terms(fee: int, bps: int, payer: str) -> rules.Terms:
    pf = fee * bps // 10_000
    funded = fee + pf if payer == "employer" else fee
    return rules.Terms(funded=funded, fee=fee, platform_fee=pf, payer=payer)


def test_full_release_pays_exactly_the_fee_terms() -> None:
    t = _terms(10_001, 1000, "employer")
    assert rules.release_parts(t.funded, t) == (10_001, 1000)
    t = _terms(10_001, 1000, "candidate")
    assert rules.release_parts(t.funded, t) == (9001, 1000)


def test_split_examples() -> None:
    t = _terms(10_000, 1000, "employer")  # 11_000 in escrow
    assert rules.split_parts(11_000, 5_000, t) == (5_000, 500, 5_500)
    assert rules.split_parts(11_000, 10_000, t) == (10_000, 1000, 0)
    assert rules.split_parts(11_000, 0, t) == (0, 0, 11_000)
    t = _terms(10_000, 1000, "candidate")  # 10_000 in escrow
    assert rules.split_parts(10_000, 5_000, t) == (4_500, 500, 5_000)
    with pytest.raises(ValueError):
        rules.split_parts(10_000, 10_001, t)


@given(
    fee=st.integers(1, 10**9),
    bps=st.integers(0, 10_000),
    payer=st.sampled_from(rules.FEE_PAYERS),
    share=st.floats(0, 1),
)
def test_rounding_never_creates_or_loses_a_cent(
    fee: int, bps: int, payer: str, share: float
) -> None:
    t = _terms(fee, bps, payer)
    cand, plat = rules.release_parts(t.funded, t)
    assert cand + plat == t.funded and cand >= 0 and plat >= 0
    assert plat == t.platform_fee
    to_cand_fee = int(rules.fee_left_in(t.funded, t) * share)
    c, p, r = rules.split_parts(t.funded, to_cand_fee, t)
    assert c + p + r == t.funded
    assert min(c, p, r) >= 0
    assert p <= t.platform_fee


def test_allocate_takes_sources_in_order() -> None:
    assert rules.allocate(150, [("a", 100), ("b", 100)]) == [("a", 100), ("b", 50)]
    assert rules.allocate(50, [("a", 0), ("b", 100)]) == [("b", 50)]
    with pytest.raises(ValueError):
        rules.allocate(250, [("a", 100), ("b", 100)])


def test_allocate_stops_at_the_first_source_that_covers_the_amount() -> None:
    assert rules.allocate(100, [("a", 100), ("b", 100), ("c", 5)]) == [("a", 100)]


def test_nothing_is_released_from_an_empty_or_overdrawn_escrow() -> None:
    with pytest.raises(ValueError, match="Nothing to release"):
        rules.release_parts(-1, _terms(10_000, 1000, "employer"))
    with pytest.raises(ValueError, match="Nothing to release"):
        rules.release_parts(0, rules.Terms(funded=0, fee=0, platform_fee=0, payer="employer"))


def test_a_split_refuses_a_negative_or_excessive_candidate_share() -> None:
    t = _terms(10_000, 1000, "candidate")
    with pytest.raises(ValueError, match="not negative"):
        rules.split_parts(t.funded, -1, t)
    with pytest.raises(ValueError, match="More than the fee"):
        rules.split_parts(t.funded, t.funded + 1, t)


def test_fingerprint_depends_on_every_argument() -> None:
    a = rules.fingerprint("op", x=1, y="z")
    assert a == rules.fingerprint("op", y="z", x=1)
    assert a != rules.fingerprint("op", x=2, y="z")
    assert a != rules.fingerprint("other", x=1, y="z")


def test_milestone_parts_add_up_to_exactly_the_platform_fee() -> None:
    t = _terms(10_001, 1000, "employer")  # platform fee 1000
    parts = [3_333, 3_333, 3_335]
    released, cuts = 0, []
    for part in parts:
        to_candidate, to_platform = rules.part_release_parts(part, released, t)
        assert to_candidate == part  # the employer pays the platform fee on top
        cuts.append(to_platform)
        released += part
    assert sum(cuts) == t.platform_fee


def test_a_candidate_paying_the_fee_has_it_taken_from_each_part() -> None:
    t = _terms(10_000, 1000, "candidate")
    assert rules.part_release_parts(5_000, 0, t) == (4_500, 500)
    assert rules.part_release_parts(5_000, 5_000, t) == (4_500, 500)


def test_a_part_is_positive_and_within_the_fee() -> None:
    t = _terms(10_000, 1000, "employer")
    with pytest.raises(ValueError, match="positive part"):
        rules.part_release_parts(0, 0, t)
    with pytest.raises(ValueError, match="positive part"):
        rules.part_release_parts(100, -1, t)
    with pytest.raises(ValueError, match="More than the fee"):
        rules.part_release_parts(5_001, 5_000, t)


def test_countries_are_two_capital_letters() -> None:
    assert rules.valid_country("FR")
    assert not rules.valid_country("fr")
    assert not rules.valid_country("FRA")


def test_provider_ids_are_masked_but_recognisable() -> None:
    assert rules.masked("acct_1PqRstUvEwkZ") == "acct_…EwkZ"
    assert rules.masked("abcdefghijk") == "…hijk"
    assert rules.masked("acct_12") == "acct_12"  # too short to hide anything
