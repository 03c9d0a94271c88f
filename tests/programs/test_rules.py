"""Pure rules, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from stint.programs import rules

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def test_ranking_window() -> None:
    opens, closes = NOW - timedelta(hours=1), NOW + timedelta(hours=1)
    assert rules.ranking_refusal("ranking", opens, closes, NOW) is None
    assert "closed" in rules.ranking_refusal("ranking", opens, NOW, NOW)
    assert "opens" in rules.ranking_refusal("ranking", NOW + timedelta(minutes=1), closes, NOW)
    assert rules.ranking_refusal("draft", opens, closes, NOW)
    assert rules.run_refusal("ranking", closes, NOW)
    assert rules.run_refusal("ranking", NOW, NOW) is None
    assert rules.run_refusal("published", NOW, NOW)


def test_choices_refusal_names_the_position() -> None:
    assert rules.choices_refusal([1, 2], {1, 2}) is None
    assert rules.choices_refusal([1, 1], {1, 2}) == (
        "You ranked the same project twice (choice 2).",
        "entry_ids.1",
    )
    assert rules.choices_refusal([3], {1, 2})[1] == "entry_ids.0"
    assert rules.choices_refusal(list(range(11)), set(range(11)))[1] == "entry_ids"


def _ranks(
    mode: str, rank: list[float], score: list[float], fit: list[float], prio: list[float]
) -> list[int]:
    n = len(rank)
    return rules.owner_ranks(
        pair_entry=np.zeros(n, dtype=np.int64),
        pair_student=np.arange(n),
        employer_rank=np.array(rank),
        employer_score=np.array(score),
        fit=np.array(fit),
        priority=np.array(prio),
        mode=mode,
    ).tolist()


def test_owner_order_ranked_then_scored_then_fit() -> None:
    nan = float("nan")
    # student 0 unranked fit .9, 1 ranked 2, 2 ranked 1, 3 scored 5, 4 unranked fit .5
    ranks = _ranks(
        "none", [nan, 2, 1, nan, nan], [nan, nan, nan, 5, nan], [0.9, 0, 0, 0, 0.5], [nan] * 5
    )
    assert ranks == [3, 1, 0, 2, 4]


def test_priority_breaks_ties_or_overrides() -> None:
    nan = float("nan")
    fit = [0.501, 0.502, 0.9]
    prio = [1, 2, 3]
    assert _ranks("none", [nan] * 3, [nan] * 3, fit, prio) == [2, 1, 0]
    assert _ranks("tie_break", [nan] * 3, [nan] * 3, fit, prio) == [1, 2, 0]
    assert _ranks("override", [nan] * 3, [nan] * 3, fit, prio) == [0, 1, 2]


def test_ranks_are_per_project() -> None:
    ranks = rules.owner_ranks(
        pair_entry=np.array([1, 0, 1, 0]),
        pair_student=np.array([0, 0, 1, 1]),
        employer_rank=np.full(4, np.nan),
        employer_score=np.full(4, np.nan),
        fit=np.array([0.1, 0.2, 0.9, 0.1]),
        priority=np.full(4, np.nan),
        mode="none",
    )
    assert ranks.tolist() == [1, 0, 0, 1]


def test_explanation_counts_never_names_and_adds_the_honesty_note() -> None:
    explained = {
        "project_id": 7,
        "choice": 2,
        "usable_choices": 3,
        "preferred": [
            {
                "project_id": 5,
                "choice": 1,
                "reason": "project_full",
                "capacity": 2,
                "ranked_above": 2,
            }
        ],
        "strategy_proof": True,
    }
    lines = rules.explanation_sentences(explained, {5: "Scraper", 7: "Dashboard"})
    assert lines[0] == "You were placed on Dashboard, your 2nd choice."
    assert "Scraper (your 1st choice) was full: all 2 places" in lines[1]
    assert lines[-1] == rules.STRATEGY_NOTE
    none = rules.explanation_sentences(
        {"project_id": None, "choice": None, "usable_choices": 0, "preferred": []}, {}
    )
    assert "did not rank" in none[0]


def test_share_by_rank() -> None:
    rows = rules.share_by_rank([1, 1, 2, 0], 3)
    assert rows[0] == {"choice": 1, "students": 2, "share": 0.5}
    assert [r["students"] for r in rows] == [2, 1, 0]


def test_set_up_changes_only_until_published() -> None:
    for status in ("draft", "ranking", "allocated"):
        assert rules.setup_refusal(status) is None
    assert rules.setup_refusal("published") == (
        "The program is published: its set-up can no longer change."
    )


def test_a_ranking_window_opens_and_then_closes() -> None:
    opens = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert rules.window_refusal(opens, opens + timedelta(days=7)) is None
    assert rules.window_refusal(None, opens) == (
        "Give the ranking window an opening and a closing time."
    )
    assert rules.window_refusal(opens, opens) == "The ranking window must close after it opens."


def test_allocation_needs_a_closed_window() -> None:
    closes = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
    after = closes + timedelta(minutes=1)
    assert rules.run_refusal("published", closes, after) is not None
    assert rules.run_refusal("draft", closes, after) == (
        "Open and close a ranking window before allocating."
    )
    assert rules.run_refusal("ranking", None, after) is not None
    assert rules.run_refusal("ranking", closes, closes - timedelta(minutes=1)) is not None
    assert rules.run_refusal("ranking", closes, after) is None


def test_no_pairs_no_ranks() -> None:
    empty = np.zeros(0)
    ranks = rules.owner_ranks(
        pair_entry=empty,
        pair_student=empty,
        employer_rank=empty,
        employer_score=empty,
        fit=empty,
        priority=empty,
        mode="fit",
    )
    assert ranks.shape == (0,)


def test_an_unplaced_student_with_choices_is_told_they_had_no_room() -> None:
    explained = {
        "project_id": None,
        "choice": None,
        "usable_choices": 2,
        "preferred": [
            {"project_id": 5, "choice": 1, "reason": "no_room", "capacity": 1},
            {"project_id": 6, "choice": 2, "reason": "project_full", "capacity": 1},
        ],
        "strategy_proof": False,
    }
    lines = rules.explanation_sentences(explained, {5: "Scraper", 6: "Survey"})
    assert lines[0] == "You were not placed: none of your 2 choices had room for you."
    assert lines[1] == "Scraper (your 1st choice) had no room for you."
    assert "its only place went to students its employer ranked above you" in lines[2]
    assert rules.STRATEGY_NOTE not in lines


def test_unmatched_reasons_name_the_cause() -> None:
    assert rules.unmatched_reason(0, 0) == "did not rank any project"
    assert rules.unmatched_reason(0, 3) == "none of their choices could take anyone"
    assert rules.unmatched_reason(1, 1).startswith("their only choice was full")
    assert rules.unmatched_reason(3, 3).startswith("all 3 of their choices were full")
