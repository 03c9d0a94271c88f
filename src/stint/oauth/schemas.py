from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema

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
