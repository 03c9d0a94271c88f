from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Schema
from oauth2_provider.scopes import get_scopes_backend
from pydantic import AwareDatetime, ConfigDict


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    is_candidate: bool
    roles: list[str]
    has_second_factor: bool = Field(
        ..., description="An authenticator app or security key is set up (allauth.mfa)."
    )
    second_factor_required: bool = Field(
        ...,
        description="Your role moves money or runs the platform: money-moving operations "
        "answer 403 until a second factor is set up.",
    )


class MeIn(Schema):
    full_name: str | None = Field(None, max_length=150)
    is_candidate: bool | None = None


# The OAuth scopes (stint.oauth.rules), read through DOT's backend: accounts sits below
# stint.oauth in the layering. Documented as an enum; the service refuses others (422).
ScopeName = Annotated[
    str, Field(json_schema_extra={"enum": list(get_scopes_backend().get_all_scopes())})
]


class TokenIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"name": "ci", "scopes": ["read"], "expires_at": "2027-01-31T00:00:00Z"}]
        }
    )

    name: str = Field(..., min_length=1, max_length=80)
    scopes: list[ScopeName] = Field(
        [],
        max_length=10,
        description="OAuth scopes that limit the token; none: every right you have",
    )
    expires_at: AwareDatetime | None = Field(
        None, description="When the token stops working; none: until revoked"
    )


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    scopes: list[str] = Field(..., description="Empty: every right you have")
    expires_at: datetime | None

    @staticmethod
    def resolve_scopes(obj: Any) -> list[str]:
        value = obj.scopes if not isinstance(obj, dict) else obj["scopes"]
        return value.split() if isinstance(value, str) else list(value)


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="The full token. Shown once; store it now.")
