"""The clarity rating: plain values in, a score and concrete fixes out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from stint_engine.postings import rate_clarity
from stint_engine.postings.clarity import WEIGHTS, deliverable_lines

SUMMARY = " ".join(["We are a small shop and need help understanding which customers churn."] * 3)


@dataclass
class Posting:
    title: str = "Build a churn dashboard in Looker"
    summary: str = SUMMARY
    deliverables: str = "- A cleaned CSV of Q3 orders\n- A Looker dashboard with churn by cohort"
    skills: list[tuple[str, str, int]] = field(
        default_factory=lambda: [("sql", "essential", 2), ("looker", "nice", 1)]
    )
    estimated_hours: int = 12
    fee_minor: int = 60000
    currency: str = "EUR"
    apply_by: date | None = date(2025, 3, 1)
    due_date: date | None = date(2025, 3, 20)
    start_date: date | None = date(2025, 3, 3)

    def rate(self, **changes: Any) -> Any:
        values = {**self.__dict__, **changes}
        return rate_clarity(**values)


def failed(clarity: Any) -> dict[str, str]:
    return {c.name: c.suggestion for c in clarity.checks if not c.passed}


def test_a_clear_posting_scores_100_with_no_suggestions() -> None:
    clarity = Posting().rate()
    assert clarity.score == 100
    assert failed(clarity) == {}
    assert {c.name for c in clarity.checks} == set(WEIGHTS)
    assert sum(WEIGHTS.values()) == 100


def test_missing_deliverables_asks_for_a_concrete_one() -> None:
    clarity = Posting().rate(deliverables="")
    assert "List at least one concrete deliverable" in failed(clarity)["deliverables_listed"]
    assert "hours_fit_deliverables" in failed(clarity)
    assert clarity.score == 100 - WEIGHTS["deliverables_listed"] - WEIGHTS["hours_fit_deliverables"]


def test_vague_words_in_deliverables_are_named() -> None:
    clarity = Posting().rate(deliverables="- Help with marketing stuff\n- Various reports etc.")
    suggestion = failed(clarity)["deliverables_concrete"]
    for word in ("'help with'", "'stuff'", "'various'", "'etc'"):
        assert word in suggestion
    assert "various" not in failed(Posting().rate())


def test_skills_must_say_which_are_essential() -> None:
    clarity = Posting().rate(skills=[("sql", "nice", 2)])
    assert failed(clarity)["skills_essential"].startswith("Say which skills are essential")
    too_many = [(f"s{i}", "essential", 2) for i in range(7)]
    assert "at most 6" in failed(Posting().rate(skills=too_many))["skills_essential"]
    none = failed(Posting().rate(skills=[]))
    assert "skills_listed" in none and "skills_essential" in none


def test_hours_are_checked_against_the_deliverables() -> None:
    many = "\n".join(f"{i}. Report number {i}" for i in range(1, 5))
    assert (
        "raise the estimate"
        in failed(Posting().rate(deliverables=many, estimated_hours=5))["hours_fit_deliverables"]
    )
    one_big = failed(Posting().rate(deliverables="A data warehouse", estimated_hours=40))
    assert "split it" in one_big["hours_fit_deliverables"]


def test_missing_due_date_and_impossible_timelines() -> None:
    assert "Set a due date" in failed(Posting().rate(due_date=None))["due_date"]
    squeezed = failed(
        Posting().rate(start_date=date(2025, 3, 3), due_date=date(2025, 3, 3), estimated_hours=30)
    )
    assert "more than 8 hours a day" in squeezed["timeline"]
    late_apply = failed(Posting().rate(apply_by=date(2025, 3, 10)))
    assert "on or before the start date" in late_apply["timeline"]
    backwards = failed(Posting().rate(due_date=date(2025, 3, 1)))
    assert "before the start date" in backwards["timeline"]


def test_short_title_and_summary_get_word_counts() -> None:
    f = failed(Posting().rate(title="Intern", summary="Help us."))
    assert "at least 3 words" in f["title"]
    assert "(now 2)" in f["summary"]


def test_deliverable_lines_strip_bullets_and_numbers() -> None:
    assert deliverable_lines("- one\n\n2) two\n* three\n  • four ") == [
        "one",
        "two",
        "three",
        "four",
    ]


@given(
    title=st.text(max_size=60),
    summary=st.text(max_size=300),
    deliverables=st.text(max_size=300),
    hours=st.integers(5, 40),
    fee=st.integers(0, 10**7),
    essentials=st.integers(0, 8),
    due=st.none() | st.dates(date(2024, 1, 1), date(2026, 1, 1)),
    start=st.none() | st.dates(date(2024, 1, 1), date(2026, 1, 1)),
)
def test_score_is_always_0_to_100_and_failed_checks_say_what_to_do(
    title: str,
    summary: str,
    deliverables: str,
    hours: int,
    fee: int,
    essentials: int,
    due: date | None,
    start: date | None,
) -> None:
    skills = [(f"s{i}", "essential", 2) for i in range(essentials)]
    clarity = rate_clarity(
        title, summary, deliverables, skills, hours, fee, "EUR", None, due, start
    )
    assert 0 <= clarity.score <= 100
    assert clarity.score == sum(WEIGHTS[c.name] for c in clarity.checks if c.passed)
    assert all(c.suggestion for c in clarity.checks if not c.passed)
    assert all(not c.suggestion for c in clarity.checks if c.passed)
