"""How clearly a posting says what the work is, before it is published.

`rate_clarity` takes the posting as plain values and returns a score from 0 to
100 with one check per rule: its name, whether it passed, and a concrete fix.
No Django here; the web app calls it through `stint.matching.postings`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

__all__ = ["VAGUE_TERMS", "Check", "Clarity", "deliverable_lines", "rate_clarity"]

# Words that describe effort instead of an output someone can hand over.
VAGUE_TERMS: tuple[str, ...] = (
    "etc",
    "various",
    "stuff",
    "things",
    "misc",
    "miscellaneous",
    "as needed",
    "as required",
    "help with",
    "assist with",
    "support with",
    "ad hoc",
    "tbd",
    "other duties",
    "and more",
)
_VAGUE_RE = re.compile(r"\b(" + "|".join(re.escape(t) for t in VAGUE_TERMS) + r")\b\.?", re.I)
_BULLET_RE = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s*")

MIN_TITLE_WORDS = 3
MIN_SUMMARY_WORDS = 30
MAX_ESSENTIAL_SKILLS = 6
MIN_HOURS_PER_DELIVERABLE = 2
MAX_HOURS_SINGLE_DELIVERABLE = 20
WORK_HOURS_PER_DAY = 8

# Weights sum to 100: the score is the weight of the checks that pass.
WEIGHTS: dict[str, int] = {
    "title": 10,
    "summary": 10,
    "deliverables_listed": 20,
    "deliverables_concrete": 10,
    "skills_listed": 10,
    "skills_essential": 10,
    "hours_fit_deliverables": 10,
    "due_date": 10,
    "timeline": 5,
    "fee": 5,
}


class Check(NamedTuple):
    name: str
    passed: bool
    suggestion: str  # what to change; "" when the check passed


@dataclass(frozen=True)
class Clarity:
    score: int  # 0..100
    checks: list[Check]

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]


def deliverable_lines(deliverables: str) -> list[str]:
    """One deliverable per non-empty line, without bullets or numbering."""
    lines = (_BULLET_RE.sub("", line).strip() for line in deliverables.splitlines())
    return [line for line in lines if line]


def _words(text: str) -> int:
    return len(text.split())


def rate_clarity(
    title: str,
    summary: str,
    deliverables: str,
    skills: Sequence[tuple[str, str, int]],
    estimated_hours: int,
    fee_minor: int,
    currency: str,
    apply_by: date | None,
    due_date: date | None,
    start_date: date | None,
) -> Clarity:
    """Rate a posting's clarity. `skills` holds (skill_id, need, level) with
    need "essential" or "nice"."""
    checks: list[Check] = []

    def check(name: str, passed: bool, suggestion: str) -> None:
        checks.append(Check(name, passed, "" if passed else suggestion))

    title_words = _words(title)
    check(
        "title",
        title_words >= MIN_TITLE_WORDS,
        "Give a specific title of at least 3 words that names the outcome, "
        "e.g. 'Build a churn dashboard in Looker'.",
    )
    summary_words = _words(summary)
    check(
        "summary",
        summary_words >= MIN_SUMMARY_WORDS,
        f"Explain the context, the goal and who the work is for in at least "
        f"{MIN_SUMMARY_WORDS} words (now {summary_words}).",
    )

    items = deliverable_lines(deliverables)
    check(
        "deliverables_listed",
        bool(items),
        "List at least one concrete deliverable, one per line (e.g. 'A cleaned CSV of Q3 orders').",
    )
    vague = sorted({m.group(1).lower() for m in _VAGUE_RE.finditer(deliverables)})
    check(
        "deliverables_concrete",
        not vague,
        "Replace vague words in the deliverables ("
        + ", ".join(f"'{v}'" for v in vague)
        + ") with outputs someone can hand over.",
    )

    essential = [s for s in skills if s[1] == "essential"]
    check(
        "skills_listed",
        bool(skills),
        "Add the skills the work needs; accept the suggestions taken from your description.",
    )
    if not essential:
        essential_hint = "Say which skills are essential: mark at least one as essential."
    else:
        essential_hint = (
            f"Mark at most {MAX_ESSENTIAL_SKILLS} skills essential ({len(essential)} now); "
            "make the others nice-to-have so more people can apply."
        )
    check(
        "skills_essential",
        1 <= len(essential) <= MAX_ESSENTIAL_SKILLS,
        essential_hint,
    )

    hours_ok = True
    hours_hint = ""
    if items:
        per_item = estimated_hours / len(items)
        if per_item < MIN_HOURS_PER_DELIVERABLE:
            hours_ok = False
            hours_hint = (
                f"{len(items)} deliverables in {estimated_hours} hours leaves under "
                f"{MIN_HOURS_PER_DELIVERABLE} hours each: raise the estimate or cut the list."
            )
        elif len(items) == 1 and estimated_hours > MAX_HOURS_SINGLE_DELIVERABLE:
            hours_ok = False
            hours_hint = (
                f"One deliverable for {estimated_hours} hours is hard to judge: "
                "split it into smaller deliverables people can check off."
            )
    else:
        hours_ok = False
        hours_hint = "List deliverables so candidates can judge whether the hours are realistic."
    check("hours_fit_deliverables", hours_ok, hours_hint)

    check(
        "due_date",
        due_date is not None,
        "Set a due date so candidates can plan around their studies.",
    )

    timeline_ok = True
    timeline_hint = ""
    if start_date and due_date:
        days = (due_date - start_date).days + 1
        if due_date < start_date:
            timeline_ok, timeline_hint = False, "The due date must not be before the start date."
        elif days * WORK_HOURS_PER_DAY < estimated_hours:
            timeline_ok = False
            timeline_hint = (
                f"{estimated_hours} hours in {days} day(s) is more than "
                f"{WORK_HOURS_PER_DAY} hours a day: move the due date later."
            )
    if timeline_ok and apply_by and start_date and apply_by > start_date:
        timeline_ok, timeline_hint = False, "Close applications on or before the start date."
    if timeline_ok and apply_by and due_date and apply_by > due_date:
        timeline_ok, timeline_hint = False, "Close applications before the due date."
    check("timeline", timeline_ok, timeline_hint)

    check(
        "fee",
        fee_minor > 0 and len(currency) == 3,
        "State a fixed fee and its currency: micro-internships are paid.",
    )

    score = sum(WEIGHTS[c.name] for c in checks if c.passed)
    return Clarity(score=max(0, min(100, score)), checks=checks)
