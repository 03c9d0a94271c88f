from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema


class ReviewIn(Schema):
    ratings: dict[str, int] = Field(
        ...,
        description=(
            "1-5 per dimension. Employer side: quality, communication, timeliness, initiative. "
            "Candidate side: clarity, feedback, fairness, would_work_again."
        ),
    )
    skill_ratings: dict[str, int] = Field(
        default_factory=dict, description="Employer side: 1-5 per required skill id."
    )
    text: str = Field("", max_length=4000)
    verified_skills: dict[str, int] = Field(
        default_factory=dict,
        description="Employer side: skill id → level 1-4 the candidate demonstrated.",
    )


class ReviewOut(Schema):
    id: int
    engagement_id: int
    side: str
    ratings: dict[str, int]
    skill_ratings: dict[str, int]
    score: float | None
    text: str
    created_at: datetime
    visible_at: datetime | None


class EngagementReviewsOut(Schema):
    your_side: str
    reviews: list[ReviewOut]
    other_side_reviewed: bool
    reveal_at: datetime
    can_review: bool
    refusal: str | None = None


class DimensionOut(Schema):
    name: str
    label: str
    average: float | None
    count: int


class CountedReviewOut(Schema):
    review_id: int
    engagement_id: int
    engagement_title: str
    created_at: datetime
    ratings: dict[str, int]
    score: float | None


class SkillAverageOut(Schema):
    id: str
    label: str
    average: float
    count: int


class ReputationOut(Schema):
    subject: str
    count: int
    overall: float | None
    method: str
    dimensions: list[DimensionOut]
    reviews: list[CountedReviewOut]
    skills: list[SkillAverageOut] = []


class VerifiedSkillsIn(Schema):
    skills: dict[str, int] = Field(..., description="Skill id → level 1-4.")


class VerifiedSkillOut(Schema):
    skill_id: str
    label: str
    level: int
    engagement_id: int
    employer: str
    created_at: datetime


class PortfolioIn(Schema):
    public: bool | None = None
    headline: str | None = Field(None, max_length=140)
    slug: str | None = Field(None, min_length=1, max_length=50)


class PortfolioOut(Schema):
    slug: str
    public: bool
    headline: str
    url: str


class PortfolioEngagementOut(Schema):
    engagement_id: int
    title: str
    employer: str
    summary: str
    completed_at: datetime | None
    credential_url: str | None


class PublicPortfolioOut(Schema):
    slug: str
    name: str
    headline: str
    engagements: list[PortfolioEngagementOut]
    verified_skills: list[VerifiedSkillOut]
    reputation: ReputationOut


class VerificationOut(Schema):
    valid: bool
    code: str = Field(
        ..., description='"valid", "revoked", or why the signature or shape is not valid'
    )
    reason: str
    credential_id: str | None = None
    issued_to: str | None = None
    achievement: str | None = None
    valid_from: str | None = None
    key_id: str | None = Field(None, description="The verification method (kid) that signed it")
    revoked_at: str | None = None
    revocation_reason: str | None = None


class CredentialRevokeIn(Schema):
    reason: str = Field(..., min_length=3, max_length=300, description="Shown to verifiers")


class CredentialStatusOut(Schema):
    credential_id: str
    status: str = Field(..., description="active | revoked")
    issued_at: datetime
    key_id: str | None = None
    revoked_at: datetime | None = None
    revocation_reason: str | None = None
    status_list_credential: str | None = Field(
        None, description="The W3C Bitstring Status List credential this one is listed in"
    )
    status_list_index: int | None = None


class FollowUpIn(Schema):
    kind: Literal["internship", "job", "project"]
    role_title: str = Field(..., min_length=2, max_length=140)
    message: str = Field("", max_length=4000)


class FollowUpOut(Schema):
    id: int
    engagement_id: int
    employer_id: int
    employer: str
    candidate_id: int
    kind: str
    role_title: str
    message: str
    status: str
    created_at: datetime
    decided_at: datetime | None


class FollowUpListOut(Schema):
    received: list[FollowUpOut]
    sent: list[FollowUpOut]


class EmployerStatsOut(Schema):
    follow_up_offer_rate: float | None
    completed_engagements: int


JsonObject = dict[str, Any]


# --- References ---------------------------------------------------------------------------


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
