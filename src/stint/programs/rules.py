"""Pure rules of cohort programs, tested without a database: the program's
states, the ranking window, how an employer's order of applicants is built,
and the words a student reads about their result."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np

DRAFT = "draft"
RANKING = "ranking"
ALLOCATED = "allocated"
PUBLISHED = "published"
CLOSED = "closed"

MAX_CHOICES = 10
# An engagement in one of these states is completed work that earns credit.
COMPLETED_ENGAGEMENT = frozenset({"paid", "resolved"})

# Statuses in which the set-up (opportunities, cohort, priorities) may still change.
EDITABLE = frozenset({DRAFT, RANKING, ALLOCATED})


def setup_refusal(status: str) -> str | None:
    if status in EDITABLE:
        return None
    return f"The program is {status}: its set-up can no longer change."


def window_refusal(opens: datetime | None, closes: datetime | None) -> str | None:
    if opens is None or closes is None:
        return "Give the ranking window an opening and a closing time."
    if closes <= opens:
        return "The ranking window must close after it opens."
    return None


def ranking_refusal(
    status: str, opens: datetime | None, closes: datetime | None, now: datetime
) -> str | None:
    """None while students may rank, else why not."""
    if status != RANKING or opens is None or closes is None:
        return "Ranking is not open for this program."
    if now < opens:
        return f"Ranking opens on {opens:%d %B %Y %H:%M} UTC."
    if now >= closes:
        return "The ranking window has closed."
    return None


def run_refusal(status: str, closes: datetime | None, now: datetime) -> str | None:
    """None when staff may run the allocation (after the window closed)."""
    if status in (PUBLISHED, CLOSED):
        return "This program's allocation is already published."
    if status == DRAFT or closes is None:
        return "Open and close a ranking window before allocating."
    if now < closes:
        return "Wait for the ranking window to close (or close it now) before allocating."
    return None


def choices_refusal(entry_ids: list[int], allowed: set[int]) -> tuple[str, str] | None:
    """(message, field) when a student's list is not usable."""
    if len(entry_ids) > MAX_CHOICES:
        return f"Rank at most {MAX_CHOICES} projects.", "entry_ids"
    seen: set[int] = set()
    for i, e in enumerate(entry_ids):
        if e in seen:
            return f"You ranked the same project twice (choice {i + 1}).", f"entry_ids.{i}"
        if e not in allowed:
            return f"Choice {i + 1} is not a project of this program.", f"entry_ids.{i}"
        seen.add(e)
    return None


def owner_ranks(
    *,
    pair_entry: np.ndarray,
    pair_student: np.ndarray,
    employer_rank: np.ndarray,
    employer_score: np.ndarray,
    fit: np.ndarray,
    priority: np.ndarray,
    mode: str,
) -> np.ndarray:
    """Where each pair's project puts its student (0 = best), one number per pair.

    For each project: students the employer ranked (by rank), then those it scored
    (highest first), then everyone else in the engine's fit order (the default).
    The institution's priority (lower first; NaN = none) breaks ties in that
    order (`tie_break`, fit compared to 2 decimals) or comes before it
    (`override`). The student's id settles anything left, so orders are strict.
    """
    n = len(pair_entry)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    rank = np.asarray(employer_rank, dtype=float)
    score = np.asarray(employer_score, dtype=float)
    tier = np.where(~np.isnan(rank), 0, np.where(~np.isnan(score), 1, 2))
    value = np.where(tier == 0, rank, np.where(tier == 1, -score, 0.0))
    value = np.nan_to_num(value, nan=0.0)
    neg_fit = -np.nan_to_num(np.asarray(fit, dtype=float), nan=0.0)
    prio = np.nan_to_num(np.asarray(priority, dtype=float), nan=np.inf)
    student = np.asarray(pair_student)
    entry = np.asarray(pair_entry)
    if mode == "override":
        keys = (student, neg_fit, value, tier, prio, entry)
    elif mode == "tie_break":
        keys = (student, prio, np.round(neg_fit, 2), value, tier, entry)
    else:
        keys = (student, neg_fit, value, tier, entry)
    order = np.lexsort(keys)  # last key is primary
    sorted_entry = entry[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_entry)) + 1]
    group_start = np.repeat(starts, np.diff(np.r_[starts, n]))
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = np.arange(n) - group_start
    return ranks


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


STRATEGY_NOTE = (
    "Ranking projects honestly, in the order you really want them, was your best move: "
    "with this student-optimal allocation, no other order of your list could have got you "
    "a project you rank higher."
)


def explanation_sentences(explained: dict[str, Any], titles: dict[int, str]) -> list[str]:
    """What a student reads about their result. Other students are counted, never named."""

    def title(pid: int | None) -> str:
        return titles.get(int(pid), "a project") if pid is not None else "no project"

    lines: list[str] = []
    if explained["project_id"] is None:
        if explained["usable_choices"] == 0:
            lines.append("You were not placed: you did not rank any project of the program.")
        else:
            lines.append(
                f"You were not placed: none of your {explained['usable_choices']} choices "
                "had room for you."
            )
    else:
        choice = explained["choice"]
        lines.append(
            f"You were placed on {title(explained['project_id'])}, your {ordinal(choice)} choice."
        )
    for p in explained["preferred"]:
        if p["reason"] == "project_full":
            places = "its only place" if p["capacity"] == 1 else f"all {p['capacity']} places"
            lines.append(
                f"{title(p['project_id'])} (your {ordinal(p['choice'])} choice) was full: "
                f"{places} went to students its employer ranked above you."
            )
        else:
            lines.append(
                f"{title(p['project_id'])} (your {ordinal(p['choice'])} choice) had no room "
                "for you."
            )
    if explained.get("strategy_proof", True):
        lines.append(STRATEGY_NOTE)
    return lines


def share_by_rank(choice: list[int], n_choices: int) -> list[dict[str, Any]]:
    """How many students got their 1st, 2nd, … choice, and the share of the cohort."""
    total = len(choice) or 1
    counts = np.bincount(np.asarray(choice, dtype=np.int64), minlength=n_choices + 1)
    return [
        {"choice": k, "students": int(counts[k]), "share": round(float(counts[k]) / total, 4)}
        for k in range(1, len(counts))
        if counts[k] or k <= n_choices
    ]


def unmatched_reason(usable: int, ranked: int) -> str:
    if ranked == 0:
        return "did not rank any project"
    if usable == 0:
        return "none of their choices could take anyone"
    return (
        f"all {usable} of their choices were full with students the employers ranked above them"
        if usable > 1
        else "their only choice was full with students the employer ranked above them"
    )
