"""Pure rules, no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from stint.opportunities import rules

STATUSES = ["draft", "published", "closed", "filled", "archived"]
ALLOWED = {
    ("draft", "published"),
    ("published", "closed"),
    ("published", "filled"),
    ("closed", "archived"),
    ("filled", "archived"),
}


@pytest.mark.parametrize("current", STATUSES)
@pytest.mark.parametrize("target", STATUSES)
def test_the_transition_table(current: str, target: str) -> None:
    assert rules.can_transition(current, target) is ((current, target) in ALLOWED)


def test_closing_and_editable_statuses() -> None:
    assert {"closed", "filled"} == rules.CLOSING
    assert {"draft", "published"} == rules.EDITABLE
    assert rules.allowed_transitions("published") == ["closed", "filled"]
    assert rules.allowed_transitions("archived") == []


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [("450", "USD", 45000), ("12.5", "EUR", 1250), ("0.01", "GBP", 1), ("1500", "JPY", 1500)],
)
def test_amounts_convert_exactly(amount: str, currency: str, minor: int) -> None:
    assert rules.amount_to_minor(Decimal(amount), currency) == minor
    assert rules.minor_to_amount(minor, currency) == Decimal(amount)


@pytest.mark.parametrize(
    ("amount", "currency"),
    [("0.001", "USD"), ("10.5", "JPY"), ("-1", "USD"), ("5", "XYZ"), ("x", "USD")],
)
def test_amounts_that_do_not_fit_are_refused(amount: str, currency: str) -> None:
    with pytest.raises(ValueError):
        rules.amount_to_minor(amount, currency)


def test_the_pay_rule_is_exact() -> None:
    assert rules.pays_enough(20000, 10, 2000)
    assert not rules.pays_enough(19999, 10, 2000)
    assert rules.hourly_rate_minor(19999, 10) == 1999
    message = rules.pay_too_low_message("EUR", 10, 2000)
    assert "20.00 EUR per hour" in message and "200.00 EUR" in message


BEFORE = rules.Terms(
    fee_minor=50000,
    currency="USD",
    estimated_hours=10,
    deliverables="- One\n- Two",
    openings=2,
    filled_count=1,
    apply_by=date(2025, 3, 1),
    due_date=date(2025, 3, 30),
    essential_skill_ids=frozenset({"sql"}),
)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"fee_minor": 49999}, "fee_minor"),
        ({"currency": "EUR"}, "currency"),
        ({"estimated_hours": 11}, "estimated_hours"),
        ({"deliverables": "- One"}, "deliverables"),
        ({"deliverables": "- One\n- Two, roughly"}, "deliverables"),
        ({"essential_skill_ids": frozenset()}, "skills"),
        ({"openings": 0}, "openings"),
        ({"work_mode": "onsite"}, "work_mode"),
        ({"apply_by": date(2025, 2, 28)}, "apply_by"),
        ({"due_date": date(2025, 3, 29)}, "due_date"),
    ],
)
def test_cuts_in_pay_or_scope_are_refused(changes: dict, field: str) -> None:
    assert [f for f, _ in rules.edit_violations(BEFORE, replace(BEFORE, **changes))] == [field]


def test_additions_and_extensions_are_fine() -> None:
    after = replace(
        BEFORE,
        fee_minor=60000,
        estimated_hours=8,
        deliverables="-  One\n- Two\n- Three",
        openings=1,
        apply_by=date(2025, 3, 5),
        due_date=None,
        essential_skill_ids=frozenset({"sql", "python"}),
    )
    assert rules.edit_violations(BEFORE, after) == []


def test_suggested_candidates_need_a_verified_employer_and_a_published_posting() -> None:
    assert rules.suggestions_refusal(status="published", employer_verified=True) is None
    assert "verified" in (
        rules.suggestions_refusal(status="published", employer_verified=False) or ""
    )
    assert "published" in (rules.suggestions_refusal(status="draft", employer_verified=True) or "")
