from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from stint.sso.rules import CLAIM_MAX
from stint.sso.services import CLIENT_ID_MAX, SECRET_MAX


class SignOnIn(Schema):
    protocol: Literal["oidc", "saml"]
    enabled: bool = True
    issuer_url: str = Field(
        "", max_length=500, description="OpenID Connect issuer", json_schema_extra={"format": "uri"}
    )
    client_id: str = Field("", max_length=CLIENT_ID_MAX)
    secret: str | None = Field(
        None, max_length=SECRET_MAX, description="Write-only; omit to keep the stored one."
    )
    metadata_url: str = Field(
        "", max_length=500, description="SAML IdP metadata URL", json_schema_extra={"format": "uri"}
    )
    entity_id: str = Field("", max_length=500, description="SAML IdP entity ID")
    sso_url: str = Field(
        "", max_length=500, description="SAML IdP sign-in URL", json_schema_extra={"format": "uri"}
    )
    x509cert: str = Field("", max_length=20000, description="SAML IdP signing certificate")
    email_claim: str = Field(..., max_length=CLAIM_MAX)
    name_claim: str = Field("", max_length=CLAIM_MAX)
    programme_claim: str = Field("", max_length=CLAIM_MAX)
    graduation_year_claim: str = Field("", max_length=CLAIM_MAX)


class SignOnOut(Schema):
    institution_id: int
    protocol: str
    enabled: bool
    issuer_url: str
    client_id: str
    has_secret: bool
    metadata_url: str
    entity_id: str
    sso_url: str
    email_claim: str
    name_claim: str
    programme_claim: str
    graduation_year_claim: str
    redirect_uri: str
    login_url: str
    updated_at: datetime
