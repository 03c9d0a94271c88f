from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from stint.core.paging import PageOut
from stint.core.schemas import one_of
from stint.moderation.models import ReportStatus, VerificationStatus
from stint.moderation.rules import REASONS
from stint.opportunities.models import OpportunityStatus


class DocumentOut(Schema):
    id: int
    name: str
    kind: one_of(("pdf", "png", "jpg"))
    size: int


class VerificationRequestOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str
    email: str
    website: str
    note: str
    status: one_of(VerificationStatus)
    reason: str
    created_at: datetime
    decided_at: datetime | None
    documents: list[DocumentOut]


class VerificationRequestPageOut(PageOut):
    items: list[VerificationRequestOut]


class ReasonIn(Schema):
    reason: str = Field(max_length=2000)


class ReportIn(Schema):
    target_type: Literal["opportunity", "profile", "message"]
    target_id: int = Field(ge=1)
    reason: str = Field(max_length=16, json_schema_extra={"enum": list(REASONS)})
    text: str = Field("", max_length=2000)


class ReportOut(Schema):
    id: int
    target_type: str
    target_id: int
    reason: str
    text: str
    status: one_of(ReportStatus)
    action: str
    note: str
    created_at: datetime
    resolved_at: datetime | None


class ReportPageOut(PageOut):
    items: list[ReportOut]


class ReportResolveIn(Schema):
    action: Literal["dismiss", "hide_posting", "warn", "suspend_user", "unverify_employer"]
    note: str = Field("", max_length=2000)


class HeldPostingOut(Schema):
    id: int
    title: str
    employer_id: int
    employer_name: str
    status: one_of(OpportunityStatus)
    flags: list[dict[str, Any]]


class HeldPostingPageOut(PageOut):
    items: list[HeldPostingOut]


class AuditOut(Schema):
    id: int
    at: datetime
    actor_id: int | None
    action: str
    target_type: str
    target_id: str
    before: dict[str, Any]
    after: dict[str, Any]
    ip: str | None
