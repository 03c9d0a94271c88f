"""Pure rules, no database."""

from __future__ import annotations

from datetime import date

import pytest

from stint.core.errors import DomainError
from stint.institutions import rules


def test_suppression_and_shares() -> None:
    assert rules.suppress(4) is None and rules.suppress(5) == 5
    assert rules.share(5, 10) == 50.0
    assert rules.share(4, 10) is None  # numerator too small
    assert rules.share(4, 4) is None  # denominator too small
    assert rules.share(0, 10) is None


def test_completion_rate() -> None:
    assert rules.completion_rate(0, 0) is None
    assert rules.completion_rate(2, 3) == 66.7


def test_parse_filters() -> None:
    f = rules.parse_filters(
        {"major": " CS ", "graduation_year": "2026", "date_from": "2025-01-01", "date_to": ""}
    )
    assert f == rules.ReportFilters(major="CS", graduation_year=2026, date_from=date(2025, 1, 1))
    assert f.as_params() == {"major": "CS", "graduation_year": "2026", "date_from": "2025-01-01"}
    assert rules.parse_filters({}) == rules.ReportFilters()
    assert rules.parse_filters({"graduation_year": ["2020", "2021"]}).graduation_year == 2021


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"graduation_year": "x"}, "graduation_year"),
        ({"graduation_year": "3000"}, "graduation_year"),
        ({"date_from": "yesterday"}, "date_from"),
        ({"date_to": "2025-02-30"}, "date_to"),
        ({"date_from": "2025-03-01", "date_to": "2025-02-01"}, "date_to"),
        ({"major": "m" * 121}, "major"),
    ],
)
def test_parse_filters_names_the_bad_field(params: dict[str, str], field: str) -> None:
    with pytest.raises(DomainError) as exc:
        rules.parse_filters(params)
    assert exc.value.field == field


def test_csv_cells() -> None:
    assert rules.csv_cell(None) == ""
    assert rules.csv_cell(date(2025, 1, 2)) == "2025-01-02"
    assert rules.csv_cell("=1+1") == "'=1+1"
    assert rules.csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert rules.csv_cell("-3+A1") == "'-3+A1"
    assert rules.csv_cell(-3) == "-3"
    assert rules.csv_cell("plain") == "plain"


def test_months() -> None:
    assert rules.months_back(date(2025, 3, 15), 12) == date(2024, 4, 1)
    assert rules.months_back(date(2025, 3, 15), 1) == date(2025, 3, 1)
    months = rules.months_between(date(2024, 11, 20), date(2025, 2, 3))
    assert months == [date(2024, 11, 1), date(2024, 12, 1), date(2025, 1, 1), date(2025, 2, 1)]
    assert len(rules.months_between(date(2000, 1, 1), date(2025, 1, 1))) == rules.MAX_MONTHS


def test_top_counts() -> None:
    assert rules.top_counts(["b", "a", "b", "c", "a", "b"], limit=2) == [("b", 3), ("a", 2)]


def test_report_filters_are_active_when_any_is_set() -> None:
    assert not rules.ReportFilters().active
    assert rules.ReportFilters(major="History").active
    assert rules.ReportFilters(graduation_year=2027).active
    assert rules.ReportFilters(date_to=date(2026, 12, 31)).active
