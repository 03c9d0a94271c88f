from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from stint.core.schemas import one_of
from stint.orgs.models import OrgKind

# What Invitation.status (a property of the model) answers.
INVITATION_STATUSES = ("pending", "accepted", "revoked", "expired")


class OrganisationIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "employer",
                    "name": "Northwind Analytics",
                    "website": "https://northwind.example.com",
                }
            ]
        }
    )

    kind: Literal["employer", "institution"]
    name: str = Field(..., min_length=2, max_length=120)
    website: str = Field("", max_length=200, json_schema_extra={"format": "uri"})
    description: str = Field("", max_length=4000)


class OrganisationPatch(Schema):
    name: str | None = Field(None, min_length=2, max_length=120)
    website: str | None = Field(None, max_length=200, json_schema_extra={"format": "uri"})
    description: str | None = Field(None, max_length=4000)


class OrganisationOut(Schema):
    id: int
    kind: one_of(OrgKind)
    name: str
    slug: str
    website: str
    description: str
    is_verified: bool
    my_role: str | None = None


class MemberOut(Schema):
    id: int
    user_id: int
    email: str
    full_name: str
    role: str
    created_at: datetime


class RoleIn(Schema):
    role: Literal["owner", "admin", "member"]


class InvitationIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"email": "sam@northwind.example.com", "role": "member"}]}
    )

    email: str = Field(..., min_length=3, max_length=254, json_schema_extra={"format": "email"})
    role: Literal["owner", "admin", "member"] = "member"


class InvitationOut(Schema):
    id: int
    email: str
    role: str
    status: one_of(INVITATION_STATUSES)
    created_at: datetime
    expires_at: datetime


class InvitationAcceptIn(Schema):
    token: str = Field(..., min_length=1, max_length=500)


class DomainIn(Schema):
    domain: str = Field(..., min_length=3, max_length=253)


class DomainOut(Schema):
    id: int
    domain: str
    verified: bool


class VerifyIn(Schema):
    verified: bool = True


class AffiliationOut(Schema):
    institution_id: int
    institution: str
    email: str
    verified_at: datetime
