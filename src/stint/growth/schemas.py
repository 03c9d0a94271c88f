from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

# --- Tailoring, explore, roadmaps ------------------------------------------------------------
from stint.core.schemas import one_of
from stint.engagements.models import EngagementStatus
from stint.growth.models import ConnectionStatus
from stint.reviews.schemas import ReferenceOut


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
    kind: str = Field(
        ..., description="An industry or occupation title: a free label, not a fixed set"
    )
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


class EngagementGrowthOut(Schema):
    engagement_id: int
    my_side: str
    status: one_of(EngagementStatus)
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
    status: one_of(ConnectionStatus)
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
