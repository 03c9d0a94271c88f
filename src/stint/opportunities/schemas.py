from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from stint.core.money import CURRENCY_EXPONENTS, MAX_AMOUNT_MINOR

# What the services accept, documented in the schema (the service keeps its own
# 422 code): the schema never calls valid a value the server refuses.
from stint.core.schemas import SKILL_KINDS, one_of
from stint.opportunities import rules
from stint.opportunities.models import OpportunityStatus, Visibility, WorkMode
from stint.opportunities.services import HIDE_REASONS

HOURS: dict = {"minimum": rules.MIN_HOURS, "maximum": rules.MAX_HOURS}
CURRENCIES: dict = {"enum": list(CURRENCY_EXPONENTS)}
WORK_MODES: dict = {"enum": list(WorkMode.values)}
VISIBILITIES: dict = {"enum": list(Visibility.values)}
COUNTRY: dict = {"pattern": "^([A-Za-z]{2})?$", "examples": ["DE"]}
TIME_ZONE: dict = {"examples": ["Europe/Berlin"]}

SortName = Literal["newest", "pay", "match"]
WorkModeName = Literal["remote", "hybrid", "onsite"]


class SkillIn(Schema):
    skill_id: str = Field(..., min_length=1, max_length=64)
    need: Literal["essential", "nice"] = "essential"
    level: int = Field(2, ge=1, le=4)


class QuestionIn(Schema):
    text: str = Field(..., min_length=1, max_length=300)
    required: bool = True


class PostingFields(Schema):
    """Amounts are integer minor units of `currency` (1250 = 12.50 EUR)."""

    title: str = Field(..., max_length=140)
    summary: str = Field(..., max_length=5000)
    deliverables: str = Field("", max_length=5000)
    industry: str = Field("", max_length=80)
    estimated_hours: int = Field(..., description="5 to 40", json_schema_extra=HOURS)
    fee_minor: int = Field(
        ..., ge=0, le=MAX_AMOUNT_MINOR, description="Fixed fee in minor units (at most 100000000)"
    )
    currency: str = Field("USD", max_length=3, json_schema_extra=CURRENCIES)
    apply_by: date | None = None
    start_date: date | None = None
    due_date: date | None = None
    work_mode: str = Field("remote", json_schema_extra=WORK_MODES)
    location_country: str = Field("", max_length=2, json_schema_extra=COUNTRY)
    location_city: str = Field("", max_length=100)
    time_zone: str = Field(
        "UTC", max_length=64, description="IANA name", json_schema_extra=TIME_ZONE
    )
    max_tz_difference_hours: int | None = None
    openings: int = 1
    visibility: str = Field("public", json_schema_extra=VISIBILITIES)
    allowed_institution_ids: list[int] = Field(default_factory=list)
    skills: list[SkillIn] = Field(default_factory=list)
    questions: list[QuestionIn] = Field(default_factory=list)


class OpportunityIn(PostingFields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "organisation_id": 3,
                    "title": "Customer churn analysis",
                    "summary": "Find out why customers leave in their first 90 days.",
                    "deliverables": "A notebook and a 5-slide summary.",
                    "estimated_hours": 20,
                    "fee_minor": 60000,
                    "currency": "EUR",
                    "due_date": "2027-03-31",
                    "skills": [
                        {
                            "skill_id": "ccd0a1d9-afda-43d9-b901-96344886e14d",
                            "need": "essential",
                            "level": 2,
                        }
                    ],
                    "questions": [
                        {"text": "How many hours a week can you give?", "required": True}
                    ],
                }
            ]
        }
    )

    organisation_id: int


class OpportunityPatch(Schema):
    """Only the fields sent are changed."""

    title: str | None = Field(None, max_length=140)
    summary: str | None = Field(None, max_length=5000)
    deliverables: str | None = Field(None, max_length=5000)
    industry: str | None = Field(None, max_length=80)
    estimated_hours: int | None = Field(None, json_schema_extra=HOURS)
    fee_minor: int | None = Field(None, ge=0, le=MAX_AMOUNT_MINOR)
    currency: str | None = Field(None, max_length=3, json_schema_extra=CURRENCIES)
    apply_by: date | None = None
    start_date: date | None = None
    due_date: date | None = None
    work_mode: str | None = Field(None, json_schema_extra=WORK_MODES)
    location_country: str | None = Field(None, max_length=2, json_schema_extra=COUNTRY)
    location_city: str | None = Field(None, max_length=100)
    time_zone: str | None = Field(None, max_length=64, json_schema_extra=TIME_ZONE)
    max_tz_difference_hours: int | None = None
    openings: int | None = None
    visibility: str | None = Field(None, json_schema_extra=VISIBILITIES)
    allowed_institution_ids: list[int] | None = None
    skills: list[SkillIn] | None = None
    questions: list[QuestionIn] | None = None


class SkillOut(Schema):
    skill_id: str
    label: str
    need: str
    level: int


class QuestionOut(Schema):
    id: int
    text: str
    required: bool


class SkillFactOut(Schema):
    """One asked skill for this candidate: held, covered by a related skill they
    list (`via_name`, at `via_level`), or missing. `name` is the plain name people
    use; `label` the ESCO label."""

    id: str
    name: str
    label: str
    need: str
    level: int
    status: one_of(("have", "related", "missing"))  # "have" | "related" | "missing"
    via_id: str | None = None
    via_name: str = ""
    via_label: str = ""
    via_level: int | None = None
    toward_goal: bool = False


class FitOut(Schema):
    score: float  # the engine's raw score in [0, 1]
    excluded_because: list[str]
    explanation: list[str]
    engine_version: str
    # `score` against someone with every asked skill at the asked level, 0..100
    match_percent: int = 0
    band: str = ""  # "strong" | "good" | "partial" | "weak" | "excluded"
    band_label: str = ""  # "Strong match", …
    match_help: str = ""  # what the percentage means
    reader: str = "candidate"  # who the sentences are worded for
    skills: list[SkillFactOut] = []


class ClarityCheckOut(Schema):
    name: str
    passed: bool
    suggestion: str


class ClarityOut(Schema):
    score: int
    checks: list[ClarityCheckOut]


class OpportunityOut(Schema):
    id: int
    employer_id: int
    employer: str
    status: one_of(OpportunityStatus)
    title: str
    summary: str
    deliverables: str
    industry: str
    estimated_hours: int
    fee_minor: int
    currency: str
    hourly_rate_minor: int
    apply_by: date | None
    start_date: date | None
    due_date: date | None
    work_mode: str
    location_country: str
    location_city: str
    time_zone: str
    max_tz_difference_hours: int | None
    openings: int
    openings_left: int
    visibility: str
    clarity_score: float | None
    published_at: datetime | None
    closed_at: datetime | None
    skills: list[SkillOut]


class BrowseItemOut(OpportunityOut):
    match: FitOut | None = None


class BrowseOut(Schema):
    total: int
    total_capped: bool = False  # more than `total` (the count stops at 1,000)
    page: int
    pages: int
    items: list[BrowseItemOut]


class HoldReasonOut(Schema):
    code: str
    field: str | None = None
    message: str


class PostingHoldOut(Schema):
    """Why a posting is held for an admin's review, or was last refused (managers only)."""

    status: one_of(("in_review", "refused"))  # in_review | refused
    reasons: list[HoldReasonOut] = Field(default_factory=list)
    refusal_reason: str = ""
    next_step: str


class OpportunityDetailOut(OpportunityOut):
    allowed_institution_ids: list[int]
    questions: list[QuestionOut]
    can_manage: bool
    transitions: list[str] = Field(default_factory=list)
    application_count: int | None = None
    clarity: ClarityOut | None = None
    fit: FitOut | None = None
    worth: list[str] | None = None
    hidden: bool = False
    review: PostingHoldOut | None = None


class PostingSummaryOut(Schema):
    id: int
    title: str
    status: one_of(OpportunityStatus)
    application_count: int
    openings: int
    filled_count: int
    fee_minor: int
    currency: str
    clarity_score: float | None
    created_at: datetime
    published_at: datetime | None


class StatusIn(Schema):
    status: Literal["draft", "published", "closed", "filled", "archived"]


class HideIn(Schema):
    reason: str = Field("", max_length=30, json_schema_extra={"enum": ["", *HIDE_REASONS]})


class HiddenOut(Schema):
    opportunity_id: int
    reason: str
    created_at: datetime


class HiddenPostingOut(HiddenOut):
    title: str
    employer: str


class SavedOut(Schema):
    opportunity_id: int
    created_at: datetime


class BrowseFilters(Schema):
    q: str = Field("", max_length=200)
    skills: list[str] = Field(default_factory=list, description="Skill ids (any of them)")
    min_hourly_minor: int | None = Field(None, ge=0, le=100_000_000)
    max_hours: int | None = Field(None, ge=1, le=40)
    work_mode: WorkModeName | None = None
    starts_after: date | None = None
    due_before: date | None = None
    industry: str = Field("", max_length=80)
    currency: str = Field("", max_length=3)
    sort: SortName = "newest"


class SavedSearchIn(Schema):
    name: str = Field(..., min_length=1, max_length=80)
    query: BrowseFilters | None = None
    notify: bool = True


class SavedSearchOut(Schema):
    id: int
    name: str
    query: dict[str, Any]
    notify: bool
    last_notified_at: datetime | None
    created_at: datetime


class SkillOptionOut(Schema):
    id: str
    label: str
    kind: one_of(SKILL_KINDS)


class SuggestIn(Schema):
    text: str = Field(..., max_length=10000)


class SkillSuggestionOut(Schema):
    id: str
    label: str  # the ESCO / O*NET label
    name: str = ""  # the plain name a person would use ("Python", "spreadsheets")
    confidence: float
    evidence: str


class RecommendationOut(Schema):
    opportunity_id: int
    title: str
    employer: str
    score: float
    explanation: list[str]
    worth: list[str]
    hourly_pay_minor: int
    currency: str
    match_percent: int = 0
    band: str = ""
    band_label: str = ""


class RecommendationsOut(Schema):
    degraded: bool
    items: list[RecommendationOut]
