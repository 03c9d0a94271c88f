from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema

from stint.core.schemas import one_of
from stint.engagements.models import (
    DisputeStatus,
    EngagementStatus,
    ItemKind,
    MilestoneStatus,
    ProposalStatus,
)


class MilestoneIO(Schema):
    title: str = Field(..., min_length=1, max_length=140)
    amount_minor: int = Field(..., gt=0)
    due_date: date | None = None


class MilestonesIn(Schema):
    milestones: list[MilestoneIO] = Field(..., max_length=20)


class MilestoneOut(MilestoneIO):
    id: int
    position: int
    # pending | submitted | changes_requested | approved (its share released)
    status: one_of(MilestoneStatus)
    change_rounds: int
    change_rounds_left: int
    submitted_at: datetime | None
    approved_at: datetime | None
    released_at: datetime | None
    auto_approved: bool
    actions: list[str]  # what you may do on it now: submit | request_changes | approve


# A milestone id in a body (submissions, approval, changes): required when the
# engagement has milestones, refused when it has none.
MilestoneRef = Annotated[int, Field(ge=1, le=2**31 - 1)]


class ItemOut(Schema):
    id: int
    kind: one_of(ItemKind)
    name: str
    size: int
    url: str  # the link itself, or the access-checked download URL of a file


class SubmissionOut(Schema):
    id: int
    milestone_id: int | None
    version: int  # counted per milestone when the engagement has milestones
    text: str
    created_at: datetime
    decision: str
    decided_at: datetime | None
    comments: str
    items: list[ItemOut]


class SubmissionIn(Schema):
    text: str = Field("", max_length=10_000)
    links: list[str] = Field(default_factory=list, max_length=10)
    milestone_id: MilestoneRef | None = None


class ProposalOut(Schema):
    id: int
    side: str
    to_candidate_minor: int
    note: str
    status: one_of(ProposalStatus)
    created_at: datetime


class DisputeOut(Schema):
    id: int
    engagement_id: int
    opener_side: str
    opener_statement: str
    response_statement: str
    status: one_of(DisputeStatus)
    resolution: str
    to_candidate_minor: int | None
    created_at: datetime
    resolved_at: datetime | None


class EngagementOut(Schema):
    id: int
    title: str
    status: one_of(EngagementStatus)
    my_side: str
    offer_id: int = Field(description="The accepted offer this engagement follows")
    application_id: int
    opportunity_id: int
    candidate_id: int
    candidate_name: str
    employer_id: int
    employer_name: str
    fee_minor: int
    currency: str
    start_date: date | None
    due_date: date | None
    change_rounds: int
    created_at: datetime
    funded_at: datetime | None = Field(
        description="When the employer's payment reached escrow (null until then)"
    )
    started_at: datetime | None
    submitted_at: datetime | None
    approved_at: datetime | None
    paid_at: datetime | None
    cancelled_at: datetime | None
    released_minor: int | None
    by_milestone: bool  # submitted, approved and paid milestone by milestone


class EngagementDetailOut(EngagementOut):
    scope: str
    deliverables: str
    milestones: list[MilestoneOut]
    milestones_released_minor: int  # what approved milestones released so far
    escrow_balance_minor: int = Field(
        description="What the ledger holds in escrow for this engagement now, in minor units"
    )
    submissions: list[SubmissionOut]
    actions: list[str]
    change_rounds_left: int
    pending_proposal: ProposalOut | None
    can_accept_proposal: bool
    dispute: DisputeOut | None
    minutes_logged: int
    effective_hourly_rate_minor: int | None  # only for the candidate
    next_step: str  # what happens next and who acts, worded for the caller


class CommentsIn(Schema):
    comments: str = Field("", max_length=5000)


class SubmissionDecisionIn(CommentsIn):
    milestone_id: MilestoneRef | None = None


class CancelIn(Schema):
    reason: str = Field("", max_length=2000)


class SplitIn(Schema):
    to_candidate_minor: int = Field(..., ge=0)
    note: str = Field("", max_length=2000)


class StatementIn(Schema):
    statement: str = Field(..., min_length=1, max_length=5000)


class ResolveIn(Schema):
    to_candidate_minor: int = Field(..., ge=0)
    resolution: str = Field(..., min_length=1, max_length=5000)


class TimeLogIn(Schema):
    day: date
    minutes: int = Field(..., gt=0, le=24 * 60)
    note: str = Field("", max_length=200)


class TimeLogOut(Schema):
    id: int
    day: date
    minutes: int
    note: str
