"""Rules of career growth that need no database: the engagement mid-point,
explore re-ranking and its reasons."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TypeVar

T = TypeVar("T")

CANDIDATE = "candidate"
EMPLOYER = "employer"

# --- Engagement goals and feedback ----------------------------------------------------------

MAX_GOALS = 3
GOAL_STATUSES = frozenset({"funded", "in_progress"})
COMPLETED = frozenset({"approved", "paid"})
FEEDBACK_STATUSES = frozenset({"in_progress", "submitted", "changes_requested"})


def midpoint(start: date | None, due: date | None) -> date | None:
    if start is None or due is None or due < start:
        return None
    return start + (due - start) / 2


def feedback_open(
    *, status: str, today: date, start: date | None, due: date | None, submitted: bool
) -> bool:
    """The candidate may ask for mid-point feedback: the work is under way and
    either half the time has passed or a first version was submitted."""
    if status not in FEEDBACK_STATUSES and status != "funded":
        return False
    if submitted or status in ("submitted", "changes_requested"):
        return True
    mid = midpoint(start, due)
    return mid is not None and today >= mid


# --- Explore --------------------------------------------------------------------------------

EXPLORE_KEEP = 7
EXPLORE_K = 10


def explore(order: Sequence[T], is_new: Callable[[T], bool], *, k: int = EXPLORE_K) -> list[T]:
    """Keep the first EXPLORE_KEEP (scaled to k), then fill with the best-ranked
    items that are new to the candidate; the rest follow in their order. The
    same re-ranking the engine measures offline (`eval recommend --mode explore`)."""
    keep = max(0, k - (EXPLORE_K - EXPLORE_KEEP))
    head = list(order[:keep])
    fresh = [x for x in order[keep:] if is_new(x)][: k - keep]
    rest = [x for x in order[keep:] if x not in fresh]
    return (head + fresh + rest)[:k]


def join_labels(labels: Sequence[str], limit: int = 3) -> str:
    labels = list(dict.fromkeys(labels))[:limit]
    if not labels:
        return ""
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def explore_reason(transferring: Sequence[str], occupation: str, industry: str = "") -> str:
    """'Your SQL and data cleaning transfer to health informatics.'"""
    where = occupation or industry or "this field"
    if not transferring:
        return f"A step into {where}, new to you."
    verb = "transfers" if len(list(dict.fromkeys(transferring))[:3]) == 1 else "transfer"
    return f"Your {join_labels(transferring)} {verb} to {where}."
