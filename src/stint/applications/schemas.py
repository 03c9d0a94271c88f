from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import AwareDatetime, ConfigDict

from stint.applications.models import ApplicationStatus, InterviewStatus, OfferStatus
from stint.core.schemas import one_of
from stint.profiles.schemas import ProfileOut


class AnswerIn(Schema):
    question_id: int
    text: str = Field("", max_length=3000)


class ApplicationIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "opportunity_id": 42,
                    "note": "I built a churn model for a student society last term; happy to share it.",
                    "answers": [{"question_id": 7, "text": "Yes, 10 hours a week until May."}],
                }
            ]
        }
    )

    opportunity_id: int
    note: str = Field("", max_length=5000)
    answers: list[AnswerIn] = Field(default_factory=list, max_length=50)


class AnswerOut(Schema):
    question_id: int
    question: str
    text: str


class OfferOut(Schema):
    id: int
    application_id: int
    engagement_id: int | None = Field(
        None, description="The engagement this offer became once accepted (null before)"
    )
    status: one_of(OfferStatus)
    fee_minor: int
    currency: str
    scope: str
    start_date: date | None
    due_date: date | None
    expires_at: datetime
    created_at: datetime
    decided_at: datetime | None
    revised_at: datetime | None = None
    counter_fee_minor: int | None = Field(None, description="The candidate's proposed fee")
    counter_message: str = ""
    platform_fee_minor: int = Field(0, description="Added to the fee when the employer pays it")
    charge_on_accept_minor: int = Field(
        0, description="What the employer is charged into escrow when the candidate accepts"
    )


class ApplicationOut(Schema):
    id: int
    opportunity_id: int
    opportunity_title: str
    employer: str
    candidate_id: int
    candidate_name: str
    status: one_of(ApplicationStatus)
    note: str
    decline_reason: str
    fit_score: float | None
    fit_explanation: list[str]
    engine_version: str
    created_at: datetime
    updated_at: datetime
    unread_messages: int = 0


class InboxThreadOut(Schema):
    """One application's thread in the inbox (issue 14 item 11)."""

    application_id: int
    opportunity_id: int
    opportunity_title: str
    with_name: str = Field(..., description="The other side: the employer, or the candidate")
    last_message_at: datetime
    last_message_preview: str
    last_message_from_me: bool
    unread_messages: int


class ApplicantOut(Schema):
    """An applicant's profile as the employer's team sees it (issue 14 item 9)."""

    application_id: int
    profile: ProfileOut
    portfolio_url: str | None = Field(None, description="The public portfolio, if any")


class ApplicationDetailOut(ApplicationOut):
    answers: list[AnswerOut]
    offers: list[OfferOut]
    next_step: str = Field("", description="Who must act next, in a sentence for the caller")


class DeclineIn(Schema):
    reason: str = Field("", max_length=2000)


class BulkIn(Schema):
    action: Literal["shortlist", "decline"]
    ids: list[int] = Field(..., min_length=1, max_length=200)
    reason: str = Field("", max_length=2000)


class OfferIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"fee_minor": 60000, "start_date": "2027-02-01", "due_date": "2027-03-31"}]
        }
    )

    fee_minor: int | None = Field(
        None, gt=0, description="Defaults to the opportunity's fee; at least its pay floor"
    )
    start_date: date | None = None
    due_date: date | None = None
    scope: str | None = Field(
        None, max_length=12000, description="Defaults to the posting's summary and deliverables"
    )


class OfferRevisionIn(Schema):
    fee_minor: int = Field(..., gt=0, description="At least the posting's pay floor")
    start_date: date | None = None
    due_date: date | None = None
    scope: str | None = Field(None, max_length=12000)


class OfferCounterIn(Schema):
    fee_minor: int = Field(..., gt=0, description="The fee the candidate proposes")
    message: str = Field("", max_length=2000)


class InviteIn(Schema):
    candidate_id: int
    message: str = Field("", max_length=2000)


class InviteOut(Schema):
    id: int
    opportunity_id: int
    candidate_id: int
    message: str
    created_at: datetime


class MessageIn(Schema):
    body: str = Field("", max_length=5000)


class MessageOut(Schema):
    id: int
    application_id: int
    sender_id: int | None
    sender_name: str
    mine: bool
    body: str
    attachment_name: str
    attachment_url: str | None
    created_at: datetime


class ResponseStatsOut(Schema):
    employer_id: int
    window_days: int
    considered: int
    answered_in_window: int
    response_rate: float | None
    median_response_hours: float | None


class SuggestedCandidateOut(Schema):
    candidate_id: int
    name: str
    score: float
    explanation: list[str]
    match_percent: int = 0
    band: str = ""
    band_label: str = ""


class SuggestedCandidatesOut(Schema):
    degraded: bool
    items: list[SuggestedCandidateOut]


# --- Interviews ---------------------------------------------------------------------------


class InterviewIn(Schema):
    slots: list[AwareDatetime] = Field(
        ..., min_length=1, max_length=5, description="Start times with a time zone"
    )
    time_zone: str = Field(..., max_length=64, description="Your IANA time zone")
    duration_minutes: int = Field(30, ge=15, le=240)
    meeting_url: str = Field("", max_length=500)
    location: str = Field("", max_length=200)
    title: str = Field("", max_length=140)


class PickIn(Schema):
    slot_id: int


class RescheduleIn(Schema):
    reason: str = Field(..., max_length=1000)
    slots: list[AwareDatetime] = Field(..., min_length=1, max_length=5)
    time_zone: str = Field("", max_length=64)


class InterviewCancelIn(Schema):
    reason: str = Field(..., max_length=1000)


class SlotOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    candidate_local: str
    employer_local: str


class InterviewOut(Schema):
    id: int
    application_id: int
    opportunity_id: int
    title: str
    status: one_of(InterviewStatus)
    uid: str
    sequence: int
    meeting_url: str
    location: str
    duration_minutes: int
    employer_time_zone: str
    candidate_time_zone: str
    proposed_by: str
    can_pick: bool
    starts_at: datetime | None
    ends_at: datetime | None
    when_candidate: str
    when_employer: str
    slots: list[SlotOut]
    last_change_reason: str
    my_side: str


class NoteIn(Schema):
    text: str = Field("", max_length=5000)
    would_recommend: int | None = None


class NoteOut(Schema):
    id: int
    author: str
    text: str
    would_recommend: int | None
    created_at: datetime
