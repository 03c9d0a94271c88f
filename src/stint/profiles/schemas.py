from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema

from stint.core.schemas import SKILL_KINDS, one_of
from stint.profiles import rules
from stint.profiles.models import RemotePreference

# What the services accept, documented (the service keeps its own 422 code).
WebAddress = Annotated[str, Field(json_schema_extra={"format": "uri"})]


class ProfilePatch(Schema):
    headline: str | None = Field(None, max_length=140)
    bio: str | None = Field(None, max_length=4000)
    location_country: str | None = Field(
        None,
        max_length=2,
        description="ISO 3166 alpha-2, e.g. GB",
        json_schema_extra={"pattern": "^([A-Za-z]{2})?$", "examples": ["GB"]},
    )
    location_city: str | None = Field(None, max_length=100)
    time_zone: str | None = Field(
        None,
        max_length=64,
        description="IANA name, e.g. Europe/London",
        json_schema_extra={"examples": ["Europe/London"]},
    )
    remote_preference: str | None = Field(
        None,
        description="any, remote, hybrid or onsite",
        json_schema_extra={"enum": list(RemotePreference.values)},
    )
    hours_per_week: int | None = Field(
        None,
        description=f"{rules.MIN_HOURS} to {rules.MAX_HOURS}",
        json_schema_extra={"minimum": rules.MIN_HOURS, "maximum": rules.MAX_HOURS},
    )
    interests: list[str] | None = None
    industries: list[str] | None = None
    links: list[WebAddress] | None = Field(None, description="Up to 5 http(s) URLs")


class SkillClaimIn(Schema):
    skill_id: str = Field(..., max_length=64, description="A skill id from GET /taxonomy/skills")
    level: int = Field(2, description="1 basic, 2 intermediate, 3 advanced, 4 expert")


class SkillLevelIn(Schema):
    level: int = Field(..., description="1 basic, 2 intermediate, 3 advanced, 4 expert")


class SkillClaimOut(Schema):
    id: int
    skill_id: str
    label: str
    level: int
    source: str


class GoalIn(Schema):
    occupation_id: str = Field(
        ..., max_length=64, description="An occupation id from GET /taxonomy/occupations"
    )


class GoalOut(Schema):
    id: int
    occupation_id: str
    label: str


class EducationIn(Schema):
    institution_name: str = Field(..., max_length=160)
    degree: str = Field("", max_length=120)
    major: str = Field("", max_length=120)
    graduation_year: int | None = Field(
        None,
        description=f"From {rules.FIRST_GRADUATION_YEAR} to ten years from now",
        json_schema_extra={"minimum": rules.FIRST_GRADUATION_YEAR},
    )


class EducationOut(Schema):
    id: int
    institution_name: str
    institution_id: int | None
    degree: str
    major: str
    graduation_year: int | None


class WindowIn(Schema):
    start: date
    end: date


class WindowOut(Schema):
    id: int
    start: date
    end: date


class SuggestionOut(Schema):
    id: str
    label: str  # the ESCO / O*NET label
    name: str = ""  # the plain name a person would use ("Python", "spreadsheets")
    confidence: float
    evidence: str


class ResumeOut(Schema):
    filename: str
    uploaded_at: datetime | None
    download_url: str
    suggestions: list[SuggestionOut]  # new skills, to confirm
    already_on_profile: list[SuggestionOut] = []  # named in the resume, already claimed


class ConfirmItem(Schema):
    skill_id: str = Field(..., max_length=64)
    level: int = 2


class ResumeConfirmIn(Schema):
    skills: list[ConfirmItem] = Field(
        default_factory=list,
        description="Suggested skills to add, with your level; the others are dismissed.",
    )


class CompletenessOut(Schema):
    percent: int
    next_step: str | None
    missing: list[str]


class ProfileOut(Schema):
    user_id: int
    headline: str
    bio: str
    location_country: str
    location_city: str
    time_zone: str
    remote_preference: str
    hours_per_week: int
    interests: list[str]
    industries: list[str]
    links: list[str]
    education: list[EducationOut]
    skills: list[SkillClaimOut]
    goals: list[GoalOut]
    windows: list[WindowOut]
    resume: ResumeOut | None
    completeness: CompletenessOut
    updated_at: datetime


class SkillOption(Schema):
    id: str
    label: str
    kind: one_of(SKILL_KINDS)


class OccupationOption(Schema):
    id: str
    label: str
    score: float
