from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

# One absolute http(s) URI, no spaces (the list is stored space-separated); https only in
# production, where the service refuses http with 422 `redirect_uris_invalid`.
RedirectUri = Annotated[
    str,
    Field(
        min_length=8,
        max_length=500,
        pattern=r"^https?://[^\s/?#]+[^\s#]*$",
        json_schema_extra={"format": "uri"},
        examples=["https://tracker.example/callback"],
    ),
]


class OAuthAppIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Northwind ATS",
                    "redirect_uris": ["https://ats.example.com/oauth/callback"],
                    "client_type": "confidential",
                }
            ]
        }
    )

    name: str = Field(..., min_length=1, max_length=100, description="Shown on the consent page")
    redirect_uris: list[RedirectUri] = Field(
        ..., min_length=1, max_length=10, description="Exact redirect URIs the app may use"
    )
    client_type: Literal["confidential", "public"] = Field(
        "confidential",
        description="`confidential`: a server that keeps a secret; `public`: a phone, "
        "desktop or browser app (no secret, PKCE only)",
    )


class OAuthAppChangeIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    redirect_uris: list[RedirectUri] = Field(..., min_length=1, max_length=10)


class OAuthAppOut(Schema):
    id: int
    name: str
    client_id: str
    client_type: Literal["confidential", "public"]
    redirect_uris: list[str]
    created_at: datetime


class OAuthAppCreatedOut(OAuthAppOut):
    client_secret: str | None = Field(
        ..., description="Shown only in this answer (a hash is kept); null for public apps"
    )


class AuthorisedAppOut(Schema):
    application_id: int
    name: str
    client_id: str
    scopes: list[str]
    since: datetime | None


class ServerAppIn(Schema):
    name: str = Field(
        ..., min_length=1, max_length=100, description="Your team recognises it in the list"
    )
    role: Literal["member", "admin"] = Field(
        "member",
        description="Its role in the organisation: `member` may read and act "
        "(scopes read, write); `admin` may also move money (payments) and needs your "
        "second factor to register",
    )


class ServerAppOut(Schema):
    id: int
    name: str
    client_id: str
    organisation_id: int
    role: Literal["member", "admin"]
    scopes: list[str] = Field(..., description="What its tokens may be granted")
    created_at: datetime


class ServerAppCreatedOut(ServerAppOut):
    client_secret: str = Field(..., description="Shown only in this answer (a hash is kept)")
