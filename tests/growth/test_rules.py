"""Rules without a database: the mid-point, explore."""

from __future__ import annotations

from datetime import UTC, date, datetime

from stint.growth import rules

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def test_midpoint_and_feedback_window() -> None:
    start, due = date(2025, 3, 1), date(2025, 3, 21)
    assert rules.midpoint(start, due) == date(2025, 3, 11)
    assert rules.midpoint(None, due) is None
    kw = {"status": "in_progress", "start": start, "due": due, "submitted": False}
    assert not rules.feedback_open(today=date(2025, 3, 10), **kw)  # type: ignore[arg-type]
    assert rules.feedback_open(today=date(2025, 3, 11), **kw)  # type: ignore[arg-type]
    early = {**kw, "submitted": True}
    assert rules.feedback_open(today=date(2025, 3, 2), **early)  # type: ignore[arg-type]
    assert not rules.feedback_open(today=date(2025, 3, 15), **{**kw, "status": "approved"})  # type: ignore[arg-type]


def test_explore_keeps_the_head_and_fills_with_new_ones() -> None:
    order = list(range(20))
    picked = rules.explore(order, lambda x: x in (12, 15, 18, 19), k=10)
    assert picked[:7] == [0, 1, 2, 3, 4, 5, 6]
    assert picked[7:] == [12, 15, 18]
    # Too few new ones: the usual order fills the rest.
    assert rules.explore(order, lambda x: x == 9, k=10) == [0, 1, 2, 3, 4, 5, 6, 9, 7, 8]


def test_explore_reason_reads_well() -> None:
    assert (
        rules.explore_reason(["SQL", "data cleaning"], "health informatics")
        == "Your SQL and data cleaning transfer to health informatics."
    )
    assert rules.explore_reason(["SQL", "SQL"], "nursing") == "Your SQL transfers to nursing."
    assert rules.explore_reason([], "nursing") == "A step into nursing, new to you."


def test_no_skills_no_joined_labels() -> None:
    assert rules.join_labels([]) == ""
