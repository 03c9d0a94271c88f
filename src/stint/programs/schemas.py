from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import AwareDatetime

from stint.core.schemas import one_of
from stint.programs.models import CreditStatus, ProgramStatus, ProposalStatus, RunStatus


class ProgramIn(Schema):
    institution_id: int
    name: str = Field(..., min_length=3, max_length=140)
    description: str = Field("", max_length=5000)
    credit_bearing: bool = False
    credits: int = Field(0, ge=0, le=60)
    priority_mode: Literal["none", "tie_break", "override"] = "none"


class ProgramOut(Schema):
    id: int
    institution_id: int
    institution: str
    name: str
    description: str
    credit_bearing: bool
    credits: int
    status: one_of(ProgramStatus)
    priority_mode: str
    ranking_opens: datetime | None
    ranking_closes: datetime | None
    my_roles: list[str]


class RankingWindowIn(Schema):
    # Zoned times only: a naive one is refused with 422 (it cannot be compared or
    # shown in anyone's time zone). Same rule everywhere (tests/api/test_hardening.py).
    ranking_opens: AwareDatetime
    ranking_closes: AwareDatetime


class EntryIn(Schema):
    opportunity_id: int
    openings: int = Field(1, ge=1, le=1000)


class DecisionIn(Schema):
    accept: bool


class EntryOut(Schema):
    id: int
    opportunity_id: int
    title: str
    employer: str
    openings: int
    status: one_of(ProposalStatus)
    proposed_by_side: str
    can_decide: bool = False  # the actor agrees to or declines it (`…/decision`)


class CohortIn(Schema):
    student_ids: list[int] = Field(default_factory=list, max_length=5000)
    emails: list[str] = Field(default_factory=list, max_length=5000)


class CohortMemberOut(Schema):
    student_id: int
    email: str
    name: str


class RefusedOut(Schema):
    value: str = Field(..., description="The address or student id as sent")
    reason: str


class CohortBatchOut(Schema):
    """What an "Add students" batch did: the good ones join, the others are listed."""

    added: list[CohortMemberOut]
    already_in: int
    refused: list[RefusedOut]


class PlacementOut(Schema):
    student_id: int
    name: str
    email: str
    entry_id: int
    opportunity_id: int
    title: str
    employer: str
    choice: int | None = Field(None, description="Its position in the student's ranking")


class MyRankingsIn(Schema):
    entry_ids: list[int] = Field(..., max_length=10)


class RankingOut(Schema):
    entry_id: int
    title: str
    rank: int
    fit_score: float | None


class ChoiceOut(Schema):
    entry_id: int
    title: str
    employer: str
    fit_score: float
    fit_explanation: list[str]
    excluded_because: list[str]


class EmployerChoiceIn(Schema):
    student_id: int
    rank: int | None = Field(None, ge=1)
    score: float | None = None


class EmployerRankingsIn(Schema):
    choices: list[EmployerChoiceIn] = Field(default_factory=list, max_length=5000)


class ProgramApplicantOut(Schema):
    student_id: int
    name: str
    fit_score: float | None
    rank: int | None
    score: float | None


class PrioritiesIn(Schema):
    student_ids: list[int] = Field(..., max_length=50000)


class RunIn(Schema):
    optimal: Literal["student", "project"] = "student"


class RunOut(Schema):
    id: int
    program_id: int
    status: one_of(RunStatus)
    progress: int
    optimal: str
    engine_version: str
    published: bool
    error: str
    stats: dict[str, Any]
    created_at: datetime
    finished_at: datetime | None


class PublishOut(Schema):
    run: RunOut
    offers_created: int
    skipped: list[str]


class ResultOut(Schema):
    published: bool
    entry_id: int | None
    title: str | None
    choice: int | None
    explanation: list[str]


class CreditOut(Schema):
    student_id: int
    email: str
    opportunity: str
    credits: int
    status: one_of(CreditStatus)
    created_at: datetime


class CreditRefreshOut(Schema):
    created: int
    records: list[CreditOut]
