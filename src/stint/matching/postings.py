"""The adapter between opportunity rows and the engine's posting checks and scores.

- `clarity_for`: an opportunity (or any object with the same fields) → the
  engine's clarity rating, as plain dicts for templates and JSON.
- `fits_for`: fit for one user and many opportunities, building the candidate's
  engine data once (the lead swaps this for the engine's index later).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from stint.matching.engine import (
    FitView,
    candidate_data,
    fit_view,
    opportunity_data,
    taxonomy,
)
from stint_engine.postings import rate_clarity
from stint_engine.scoring.fit import fit as engine_fit

if TYPE_CHECKING:
    from stint.accounts.models import User
    from stint.opportunities.models import Opportunity

__all__ = ["ClarityView", "clarity_for", "clarity_of", "fits_for"]


@dataclass(frozen=True)
class ClarityView:
    score: int
    checks: list[dict[str, Any]]  # {"name", "passed", "suggestion"}

    @property
    def suggestions(self) -> list[str]:
        return [c["suggestion"] for c in self.checks if not c["passed"]]


def clarity_of(
    *,
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
) -> ClarityView:
    result = rate_clarity(
        title,
        summary,
        deliverables,
        list(skills),
        estimated_hours,
        fee_minor,
        currency,
        apply_by,
        due_date,
        start_date,
    )
    return ClarityView(
        score=result.score,
        checks=[
            {"name": c.name, "passed": c.passed, "suggestion": c.suggestion} for c in result.checks
        ],
    )


def clarity_for(opportunity: Opportunity) -> ClarityView:
    return clarity_of(
        title=opportunity.title,
        summary=opportunity.summary,
        deliverables=opportunity.deliverables,
        skills=[(s.skill_id, s.need, s.level) for s in opportunity.skills.all()],
        estimated_hours=opportunity.estimated_hours,
        fee_minor=opportunity.fee_minor,
        currency=opportunity.currency,
        apply_by=opportunity.apply_by,
        due_date=opportunity.due_date,
        start_date=opportunity.start_date,
    )


def fits_for(
    user: User, opportunities: Iterable[Opportunity], *, today: date | None = None
) -> list[FitView]:
    """`engine.fit_for` for many opportunities, in the given order."""
    candidate = candidate_data(user)
    day = today or timezone.localdate()
    views = []
    for opportunity in opportunities:
        result = engine_fit(candidate, opportunity_data(opportunity), taxonomy(), today=day)
        views.append(fit_view(result))
    return views
