"""Search filters. `for_candidate` / `for_opportunity` turn the hard
constraints of `scoring.constraints` into filters, so the index never spends
a result slot on something `fit` would exclude (time windows aside, which
only `fit` checks)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from stint_engine.scoring.constraints import ACCEPTS
from stint_engine.scoring.model import Candidate, Opportunity

MODES = ("remote", "onsite", "hybrid")


@dataclass(frozen=True)
class OpportunityFilters:
    work_modes: frozenset[str] | None = None
    country: str | None = None  # on-site and hybrid work must be here (or unknown)
    city: str | None = None
    tz_offset_hours: float | None = None  # the candidate's; items with a limit must allow it
    min_pay_per_hour_minor: int | None = None
    currency: str | None = None
    max_hours: float | None = None
    skills: tuple[str, ...] = ()  # requires at least one of these
    institution_ids: frozenset[str] | None = None  # None: no eligibility check
    open_on: date | None = None  # apply_by and due not before this day
    starts_after: date | None = None
    due_before: date | None = None
    hours_per_week: float | None = None  # with open_on: enough hours before the due date

    @classmethod
    def for_candidate(cls, candidate: Candidate, today: date) -> OpportunityFilters:
        return cls(
            work_modes=ACCEPTS[candidate.remote_preference],
            country=candidate.location.country or None,
            city=candidate.location.city or None,
            tz_offset_hours=candidate.tz_offset_hours,
            institution_ids=candidate.institution_ids,
            open_on=today,
            hours_per_week=candidate.hours_per_week,
        )


@dataclass(frozen=True)
class CandidateFilters:
    work_mode: str | None = None  # keep candidates whose preference accepts it
    country: str | None = None  # for on-site/hybrid work
    city: str | None = None
    min_hours_per_week: float | None = None
    institution_ids: frozenset[str] | None = None  # member of at least one
    tz_offset_hours: float | None = None
    max_tz_difference_hours: float | None = None

    @classmethod
    def for_opportunity(cls, opportunity: Opportunity) -> CandidateFilters:
        onsite = opportunity.work_mode != "remote"
        return cls(
            work_mode=opportunity.work_mode,
            country=(opportunity.location.country or None) if onsite else None,
            city=(opportunity.location.city or None) if onsite else None,
            institution_ids=(
                opportunity.allowed_institution_ids
                if opportunity.visibility == "institutions"
                else None
            ),
            tz_offset_hours=opportunity.tz_offset_hours,
            max_tz_difference_hours=opportunity.max_tz_difference_hours,
        )
