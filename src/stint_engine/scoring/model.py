"""Plain data the scoring functions read: candidates, opportunities, and the
small slice of the taxonomy they need.

The Django adapter builds these from model rows; nothing here imports Django.
Money is integer minor units plus an ISO currency code, as everywhere in Stint.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Protocol

from stint_engine.taxonomy.names import plain_name

SkillSource = Literal["self", "resume", "verified"]
Need = Literal["essential", "nice"]
WorkMode = Literal["remote", "onsite", "hybrid"]
RemotePreference = Literal["remote", "onsite", "hybrid", "any"]
Visibility = Literal["public", "institutions"]
# Who reads an explanation: the candidate ("You have …") or the employer ("Ada has …").
Reader = Literal["candidate", "employer"]
# An asked-for skill is held, covered by a related skill the candidate lists, or missing.
SkillStatus = Literal["have", "related", "missing"]

LEVEL_WORDS = {1: "basic", 2: "intermediate", 3: "advanced", 4: "expert"}


def level_word(level: int) -> str:
    return LEVEL_WORDS.get(level, str(level))


class SkillLike(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def label(self) -> str: ...


class TaxonomyLike(Protocol):
    """What scoring needs from `stint_engine.taxonomy.Taxonomy`."""

    def skill(self, skill_id: str) -> SkillLike: ...

    def related(self, skill_id: str) -> dict[str, float]: ...

    def occupation_skills(self, occupation_id: str) -> tuple[tuple[str, ...], tuple[str, ...]]: ...

    def skill_importance(self, skill_id: str) -> float: ...


@dataclass(frozen=True)
class CandidateSkill:
    level: int = 2  # 1 basic .. 4 expert
    source: SkillSource = "self"


@dataclass(frozen=True)
class DateRange:
    start: date
    end: date  # inclusive


@dataclass(frozen=True)
class Place:
    country: str = ""  # ISO 3166 alpha-2, upper case; "" = unknown
    city: str = ""


@dataclass(frozen=True)
class Candidate:
    id: str
    skills: Mapping[str, CandidateSkill] = field(default_factory=dict)
    text: str = ""  # headline, bio, experience
    goal_occupation_ids: tuple[str, ...] = ()
    hours_per_week: float = 10.0
    available: tuple[DateRange, ...] = ()  # empty: available on every day
    location: Place = Place()
    tz_offset_hours: float = 0.0
    remote_preference: RemotePreference = "any"
    institution_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RequiredSkill:
    skill_id: str
    need: Need = "essential"
    level: int = 2


@dataclass(frozen=True)
class EmployerStats:
    follow_up_offer_rate: float | None = None  # share of finished engagements followed by an offer
    completed_engagements: int = 0


@dataclass(frozen=True)
class Opportunity:
    id: str
    required_skills: tuple[RequiredSkill, ...] = ()
    text: str = ""
    estimated_hours: float = 10.0  # 5..40
    fee_minor: int = 0
    currency: str = "EUR"
    start: date | None = None
    apply_by: date | None = None
    due: date | None = None
    work_mode: WorkMode = "remote"
    location: Place = Place()
    tz_offset_hours: float = 0.0
    max_tz_difference_hours: float | None = None
    visibility: Visibility = "public"
    allowed_institution_ids: frozenset[str] = frozenset()
    employer_id: str = ""
    employer_stats: EmployerStats = EmployerStats()

    @property
    def pay_per_hour_minor(self) -> int:
        """Fee per estimated hour, in minor units (rounded down)."""
        return int(self.fee_minor // max(self.estimated_hours, 1.0))


def skill_label(taxonomy: TaxonomyLike, skill_id: str) -> str:
    try:
        return taxonomy.skill(skill_id).label
    except KeyError:
        return skill_id


def skill_name(taxonomy: TaxonomyLike, skill_id: str) -> str:
    """The plain name people use (`stint_engine.taxonomy.names.plain_name`)."""
    try:
        return plain_name(taxonomy.skill(skill_id))
    except KeyError:
        return skill_id
