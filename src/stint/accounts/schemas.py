from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema


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


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=80)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="The full token. Shown once; store it now.")
