"""Hard constraints: reasons a candidate cannot take an opportunity at all.

Each rule returns a plain sentence or None. A failed rule excludes (score 0)
instead of lowering the score, so the product can say why.
"""

from __future__ import annotations

from datetime import date

from stint_engine.scoring.model import Candidate, Opportunity, RemotePreference, WorkMode

# Which work modes each remote preference accepts.
ACCEPTS: dict[RemotePreference, frozenset[WorkMode]] = {
    "any": frozenset({"remote", "onsite", "hybrid"}),
    "remote": frozenset({"remote"}),
    "onsite": frozenset({"onsite", "hybrid"}),
    "hybrid": frozenset({"hybrid", "remote", "onsite"}),
}


def available_hours(candidate: Candidate, first: date, last: date) -> float:
    """Hours the candidate can give between `first` and `last` (inclusive)."""
    if last < first:
        return 0.0
    if not candidate.available:
        days = (last - first).days + 1
    else:
        days = 0
        for window in candidate.available:
            lo, hi = max(first, window.start), min(last, window.end)
            if hi >= lo:
                days += (hi - lo).days + 1
    return candidate.hours_per_week * days / 7.0


def tz_difference(a: float, b: float) -> float:
    diff = abs(a - b) % 24.0
    return min(diff, 24.0 - diff)


def check_dates(candidate: Candidate, opportunity: Opportunity, today: date) -> str | None:
    if opportunity.apply_by is not None and opportunity.apply_by < today:
        return f"Applications closed on {opportunity.apply_by.isoformat()}."
    if opportunity.due is None:
        return None
    first = max(today, opportunity.start or today)
    if opportunity.due < first:
        return f"It was due on {opportunity.due.isoformat()}."
    hours = available_hours(candidate, first, opportunity.due)
    if hours + 1e-9 < opportunity.estimated_hours:
        return (
            f"It needs about {opportunity.estimated_hours:g} hours by "
            f"{opportunity.due.isoformat()}; you have about {hours:.0f} hours free before then."
        )
    return None


def check_work_mode(candidate: Candidate, opportunity: Opportunity) -> str | None:
    if opportunity.work_mode not in ACCEPTS[candidate.remote_preference]:
        return (
            f"It is {opportunity.work_mode} and you asked for {candidate.remote_preference} work."
        )
    if opportunity.work_mode == "remote":
        return None
    here, there = candidate.location, opportunity.location
    if here.country and there.country and here.country.upper() != there.country.upper():
        return f"It is {opportunity.work_mode} in {there.city or there.country} and you are in {here.country}."
    if here.city and there.city and here.city.casefold() != there.city.casefold():
        return f"It is {opportunity.work_mode} in {there.city} and you are in {here.city}."
    return None


def check_time_zone(candidate: Candidate, opportunity: Opportunity) -> str | None:
    limit = opportunity.max_tz_difference_hours
    if limit is None:
        return None
    diff = tz_difference(candidate.tz_offset_hours, opportunity.tz_offset_hours)
    if diff > limit + 1e-9:
        return f"Your time zone is {diff:g} hours from the team's; they accept at most {limit:g}."
    return None


def check_institution(candidate: Candidate, opportunity: Opportunity) -> str | None:
    if opportunity.visibility != "institutions":
        return None
    if candidate.institution_ids & opportunity.allowed_institution_ids:
        return None
    return "It is open only to students of selected institutions."


def exclusions(candidate: Candidate, opportunity: Opportunity, today: date) -> list[str]:
    reasons = (
        check_institution(candidate, opportunity),
        check_work_mode(candidate, opportunity),
        check_time_zone(candidate, opportunity),
        check_dates(candidate, opportunity, today),
    )
    return [r for r in reasons if r]


__all__ = ["ACCEPTS", "available_hours", "exclusions", "tz_difference"]
