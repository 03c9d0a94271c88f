from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict

from stint.core.schemas import one_of
from stint.reviews.models import FollowUpKind, FollowUpStatus, ReferenceStatus


class ReviewIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ratings": {"quality": 5, "communication": 4, "timeliness": 5, "initiative": 4},
                    "text": "Clear analysis, delivered early.",
                }
            ]
        }
    )

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
    status: one_of(("active", "revoked")) = Field(..., description="active | revoked")
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
    kind: one_of(FollowUpKind)
    role_title: str
    message: str
    status: one_of(FollowUpStatus)
    created_at: datetime
    decided_at: datetime | None


class FollowUpListOut(Schema):
    received: list[FollowUpOut]
    sent: list[FollowUpOut]


class EmployerStatsOut(Schema):
    follow_up_offer_rate: float | None
    completed_engagements: int


# --- Signed documents (JSON-LD) --------------------------------------------------------------
# Answered exactly as signed: the typed fields are the ones every such document has, any
# other key is passed through unchanged (a proof covers the whole document: plain pydantic
# models, since ninja's Schema drops extra keys). Routes that
# answer them set `by_alias=True` so `@context` keeps its name.


class LinkedDataOut(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    context: list[str] = Field(..., alias="@context", description="JSON-LD contexts")
    id: str


class IssuerOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    type: list[str]
    name: str
    url: str


class ProofOut(BaseModel):
    """A Data Integrity proof (`eddsa-jcs-2022`) over the rest of the document."""

    model_config = ConfigDict(extra="allow")

    type: Literal["DataIntegrityProof"]
    cryptosuite: str = Field(..., examples=["eddsa-jcs-2022"])
    created: str
    verificationMethod: str = Field(..., description="A key id of `/credentials/keys/platform`")
    proofPurpose: Literal["assertionMethod"]
    proofValue: str


class CredentialOut(LinkedDataOut):
    """An Open Badges 3.0 `OpenBadgeCredential` (a W3C verifiable credential)."""

    type: list[str] = Field(..., examples=[["VerifiableCredential", "OpenBadgeCredential"]])
    name: str
    issuer: IssuerOut
    validFrom: str
    credentialSubject: dict[str, Any] = Field(
        ..., description="The candidate and the achievement (Open Badges 3.0 AchievementSubject)"
    )
    proof: ProofOut


class StatusListSubjectOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    type: Literal["BitstringStatusList"]
    statusPurpose: Literal["revocation"]
    encodedList: str = Field(..., description="GZIP-compressed bitstring, base64url (multibase)")
    ttl: int = Field(..., description="Milliseconds before fetching the list again")


class StatusListCredentialOut(LinkedDataOut):
    """A W3C `BitstringStatusListCredential`: bit n set means credential n is revoked."""

    type: list[str]
    issuer: IssuerOut
    validFrom: str
    credentialSubject: StatusListSubjectOut
    proof: ProofOut


class VerificationMethodOut(Schema):
    id: str
    type: Literal["Multikey"]
    controller: str
    publicKeyMultibase: str


class KeyDocumentOut(LinkedDataOut):
    """The platform's controller document: every key that signed credentials."""

    verificationMethod: list[VerificationMethodOut]
    assertionMethod: list[str]
    publicKeyJwk: dict[str, str] = Field(..., description="The current key, as a JWK")
    keys: list[dict[str, str]] = Field(..., description="Every key, as JWKs")
    issuer: IssuerOut


# --- Outcomes -----------------------------------------------------------------------------------


class MoneySeriesOut(Schema):
    currency: str
    values: list[float] = Field(..., description="One per month of `months`, in major units")


class TimeToFillOut(Schema):
    title: str
    days: float = Field(..., description="From publication to the first accepted offer")


class EmployerOutcomesOut(Schema):
    organisation_id: int
    months: list[str] = Field(..., description="The months charted, oldest first (YYYY-MM)")
    spend: list[MoneySeriesOut]
    time_to_fill: list[TimeToFillOut] = Field(..., description="Recent filled postings")
    median_days_to_fill: float | None
    completed_engagements: int
    delivered_engagements: int
    ended_engagements: int
    completion_rate: float | None = Field(..., description="0 to 1; null before any ended")
    follow_up_rate: float | None = Field(..., description="0 to 1; null before any completed")
    follow_ups: dict[str, int] = Field(..., description="Follow-up offers by status")


class GoalCoverageOut(Schema):
    occupation_id: str
    label: str
    essential_skills: int
    coverage_percent: list[int] = Field(..., description="One per month of `months`")


class CandidateOutcomesOut(Schema):
    months: list[str] = Field(..., description="The months charted, oldest first (YYYY-MM)")
    earnings: list[MoneySeriesOut]
    verified_skills_cumulative: list[int]
    verified_skills_total: int
    goals: list[GoalCoverageOut]
    completed_engagements: int


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
    status: one_of(ReferenceStatus)
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
