from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from stint.sso.metadata import MAX_BYTES
from stint.sso.rules import CLAIM_MAX, STAFF_VALUE_MAX, STAFF_VALUES_MAX
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
    staff_claim: str = Field(
        "",
        max_length=CLAIM_MAX,
        description="Claim or attribute saying who is staff, e.g. eduPersonAffiliation",
    )
    staff_values: list[str] = Field(
        default_factory=list,
        max_length=STAFF_VALUES_MAX,
        description=f"Values of `staff_claim` meaning staff (each up to {STAFF_VALUE_MAX} "
        "characters), e.g. staff, faculty; only addresses in the verified domains count",
    )
    metadata_xml: str | None = Field(
        None,
        max_length=MAX_BYTES,
        description="SAML: the IdP's metadata XML itself (instead of metadata_url); "
        "fills entity_id, sso_url and the signing certificate",
    )
    metadata_filename: str = Field("", max_length=200, description="Shown beside the file")


class CertificateOut(Schema):
    subject: str
    not_after: datetime
    sha256: str


class IdpOut(Schema):
    source: Literal["file", "url", "typed"]
    entity_id: str
    sso_url: str
    slo_url: str
    file_name: str
    uploaded_at: datetime | None
    certificate: CertificateOut | None


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
    staff_claim: str
    staff_values: list[str]
    x509cert: str
    idp: IdpOut | None = Field(description="SAML: what Stint trusts, as read from the set-up")
    redirect_uri: str
    login_url: str
    updated_at: datetime
