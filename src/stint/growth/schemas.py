from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import AwareDatetime

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
    status: str
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


# --- Tailoring, explore, roadmaps ------------------------------------------------------------


class TailoringShowOut(Schema):
    skill_id: str
    label: str
    need: str
    how: str
    via_label: str
    evidence: list[str]


class TailoringMissingOut(Schema):
    skill_id: str
    label: str
    need: str


class TailoringOut(Schema):
    opportunity_id: int
    shows: list[TailoringShowOut]
    missing: list[TailoringMissingOut]
    emphasise: list[str]
    past_engagements: list[str]


class ExploreOut(Schema):
    opportunity_id: int
    title: str
    employer: str
    industry: str
    score: float
    novel: bool
    occupation_id: str
    occupation: str
    reason: str
    transferring_skills: list[str]


class RoadmapSummaryOut(Schema):
    goal_id: int
    occupation_id: str
    label: str
    percent: int
    next_gap: str


class ExampleOut(Schema):
    id: int
    title: str
    employer: str


class GapOut(Schema):
    skill_id: str
    label: str
    importance: float
    opportunity_ids: list[int]
    examples: list[ExampleOut]


class ShownOut(Schema):
    id: str
    label: str
    how: str


class KindOut(Schema):
    kind: str
    opportunities: int


class RoadmapOut(Schema):
    goal_id: int
    occupation_id: str
    label: str
    essential_skills: int
    shown: list[ShownOut]
    gaps: list[GapOut]
    kinds: list[KindOut]
    months: list[str]
    coverage_percent: list[int]


# --- Engagement growth -----------------------------------------------------------------------


class LearningGoalIn(Schema):
    skill_id: str = Field("", max_length=64)
    text: str = Field("", max_length=200)


class GoalsIn(Schema):
    goals: list[LearningGoalIn]


class LearningGoalOut(Schema):
    position: int
    skill_id: str
    text: str


class FeedbackIn(Schema):
    question: str = Field("", max_length=2000)


class FeedbackAnswerIn(Schema):
    answer: str = Field(..., max_length=5000)


class FeedbackOut(Schema):
    id: int
    engagement_id: int
    question: str
    answer: str
    created_at: datetime
    answered_at: datetime | None


class ReflectionIn(Schema):
    learned: str = Field(..., max_length=3000)
    differently: str = Field("", max_length=3000)
    next_steps: str = Field("", max_length=3000)
    on_portfolio: bool = False


class ReflectionOut(Schema):
    engagement_id: int
    learned: str
    differently: str
    next_steps: str
    on_portfolio: bool
    updated_at: datetime


class ReferenceRequestIn(Schema):
    message: str = Field("", max_length=2000)


class ReferenceWriteIn(Schema):
    text: str = Field(..., max_length=5000)


class ReferenceDeclineIn(Schema):
    reason: str = Field("", max_length=1000)


class ReferenceVisibilityIn(Schema):
    visibility: Literal["private", "portfolio"]


class ShareIn(Schema):
    days: int = 14
    recipient: str = Field("", max_length=200)


class ShareOut(Schema):
    id: int
    recipient: str
    expires_at: datetime
    revoked: bool
    url: str | None = None  # only when created


class ReferenceOut(Schema):
    id: int
    engagement_id: int
    engagement_title: str
    employer: str
    candidate: str
    status: str
    message: str
    text: str
    decline_reason: str
    visibility: str
    created_at: datetime
    decided_at: datetime | None
    shares: list[ShareOut] = []


class SharedReferenceOut(Schema):
    employer: str
    candidate: str
    engagement_title: str
    text: str
    written_at: datetime | None


class EngagementGrowthOut(Schema):
    engagement_id: int
    my_side: str
    status: str
    midpoint: date | None
    goals: list[LearningGoalOut]
    can_set_goals: bool
    feedback: list[FeedbackOut]
    can_ask_feedback: bool
    reflection: ReflectionOut | None
    can_reflect: bool
    references: list[ReferenceOut]
    can_request_reference: bool


# --- Network, settings, employer view ---------------------------------------------------------


class ConnectIn(Schema):
    user_id: int


class PersonOut(Schema):
    user_id: int
    name: str
    context: str


class ConnectionOut(Schema):
    id: int
    requester_id: int
    recipient_id: int
    status: str
    context: str
    created_at: datetime


class NetworkOut(Schema):
    connections: list[PersonOut]
    incoming: list[ConnectionOut]
    outgoing: list[ConnectionOut]
    suggestions: list[PersonOut]


class SettingsIn(Schema):
    show_connections: bool | None = None
    share_skill_growth: bool | None = None


class SettingsOut(Schema):
    show_connections: bool
    share_skill_growth: bool


class TimelineOut(Schema):
    skill_id: str
    label: str
    level: int
    month: str
    verified_at: datetime
    with_you: bool


class InternGrowthOut(Schema):
    candidate_id: int
    name: str
    engagements: list[str]
    verified_since_you: int
    timeline: list[TimelineOut]
    months: list[str]
    cumulative: list[int]
    follow_ups_url: str
