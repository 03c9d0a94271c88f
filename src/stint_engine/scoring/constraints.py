"""Hard constraints: reasons a candidate cannot take an opportunity at all.

Each rule returns an `Exclusion` (facts, worded per reader) or None. A failed rule excludes (score 0)
instead of lowering the score, so the product can say why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from stint_engine.scoring.model import (
    Candidate,
    Opportunity,
    Reader,
    RemotePreference,
    WorkMode,
)

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


@dataclass(frozen=True)
class Exclusion:
    """Why a candidate cannot take the work, as facts; `render` words it for a reader."""

    code: str  # closed | past_due | hours | mode | place | time_zone | institution
    work_mode: str = ""
    place: str = ""  # where the work is (city or country)
    where: str = ""  # where the candidate is
    preference: str = ""
    on: date | None = None
    hours_needed: float = 0.0
    hours_free: float = 0.0
    tz_difference: float = 0.0
    tz_limit: float = 0.0

    def render(self, reader: Reader = "candidate", name: str = "") -> str:
        """The sentence for the candidate ("you …") or the employer ("Ada …")."""
        me = reader == "candidate"
        who = "you" if me else (name or "the candidate")
        whose = "Your" if me else f"{name or 'The candidate'}'s"
        if self.code == "closed" and self.on is not None:
            return f"Applications closed on {self.on.isoformat()}."
        if self.code == "past_due" and self.on is not None:
            return f"It was due on {self.on.isoformat()}."
        if self.code == "hours" and self.on is not None:
            has = "you have" if me else f"{who} has"
            return (
                f"It needs about {self.hours_needed:g} hours by {self.on.isoformat()}; "
                f"{has} about {self.hours_free:.0f} hours free before then."
            )
        if self.code == "mode":
            return f"It is {self.work_mode} and {who} asked for {self.preference} work."
        if self.code == "place":
            are = "you are" if me else f"{who} is"
            return f"It is {self.work_mode} in {self.place} and {are} in {self.where}."
        if self.code == "time_zone":
            team, accept = ("the team's", "they accept") if me else ("your team's", "you accept")
            return (
                f"{whose} time zone is {self.tz_difference:g} hours from {team}; "
                f"{accept} at most {self.tz_limit:g}."
            )
        if self.code == "institution":
            if me:
                return "It is open only to students of selected institutions."
            return (
                f"It is open only to students of selected institutions; {who} is not one of them."
            )
        return self.code


def check_dates(candidate: Candidate, opportunity: Opportunity, today: date) -> Exclusion | None:
    if opportunity.apply_by is not None and opportunity.apply_by < today:
        return Exclusion("closed", on=opportunity.apply_by)
    if opportunity.due is None:
        return None
    first = max(today, opportunity.start or today)
    if opportunity.due < first:
        return Exclusion("past_due", on=opportunity.due)
    hours = available_hours(candidate, first, opportunity.due)
    if hours + 1e-9 < opportunity.estimated_hours:
        return Exclusion(
            "hours",
            on=opportunity.due,
            hours_needed=opportunity.estimated_hours,
            hours_free=hours,
        )
    return None


def check_work_mode(candidate: Candidate, opportunity: Opportunity) -> Exclusion | None:
    if opportunity.work_mode not in ACCEPTS[candidate.remote_preference]:
        return Exclusion(
            "mode", work_mode=opportunity.work_mode, preference=candidate.remote_preference
        )
    if opportunity.work_mode == "remote":
        return None
    here, there = candidate.location, opportunity.location
    if here.country and there.country and here.country.upper() != there.country.upper():
        return Exclusion(
            "place",
            work_mode=opportunity.work_mode,
            place=there.city or there.country,
            where=here.country,
        )
    if here.city and there.city and here.city.casefold() != there.city.casefold():
        return Exclusion(
            "place", work_mode=opportunity.work_mode, place=there.city, where=here.city
        )
    return None


def check_time_zone(candidate: Candidate, opportunity: Opportunity) -> Exclusion | None:
    limit = opportunity.max_tz_difference_hours
    if limit is None:
        return None
    diff = tz_difference(candidate.tz_offset_hours, opportunity.tz_offset_hours)
    if diff > limit + 1e-9:
        return Exclusion("time_zone", tz_difference=diff, tz_limit=limit)
    return None


def check_institution(candidate: Candidate, opportunity: Opportunity) -> Exclusion | None:
    if opportunity.visibility != "institutions":
        return None
    if candidate.institution_ids & opportunity.allowed_institution_ids:
        return None
    return Exclusion("institution")


def exclusion_facts(candidate: Candidate, opportunity: Opportunity, today: date) -> list[Exclusion]:
    reasons = (
        check_institution(candidate, opportunity),
        check_work_mode(candidate, opportunity),
        check_time_zone(candidate, opportunity),
        check_dates(candidate, opportunity, today),
    )
    return [r for r in reasons if r is not None]


def exclusions(candidate: Candidate, opportunity: Opportunity, today: date) -> list[str]:
    """The reasons, worded for the candidate."""
    return [r.render() for r in exclusion_facts(candidate, opportunity, today)]


__all__ = [
    "ACCEPTS",
    "Exclusion",
    "available_hours",
    "exclusion_facts",
    "exclusions",
    "tz_difference",
]
