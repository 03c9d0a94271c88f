from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Status

from stint.core.errors import NotFound
from stint.core.schemas import ERRORS
from stint.sso import selectors, services
from stint.sso.models import InstitutionSignOn
from stint.sso.schemas import SignOnIn, SignOnOut
from stint.sso.views import login_url

router = Router()


def _out(request: HttpRequest, s: InstitutionSignOn) -> SignOnOut:
    app, idp = s.app, s.app.settings.get("idp", {})
    oidc = s.protocol == "oidc"
    callback = (
        reverse("openid_connect_callback", kwargs={"provider_id": app.provider_id})
        if oidc
        else reverse("saml_acs", kwargs={"organization_slug": app.client_id})
    )
    return SignOnOut(
        institution_id=s.institution_id,
        protocol=s.protocol,
        enabled=s.enabled,
        issuer_url=app.settings.get("server_url", ""),
        client_id=app.client_id if oidc else "",
        has_secret=bool(app.secret),
        metadata_url=idp.get("metadata_url", ""),
        entity_id=idp.get("entity_id", ""),
        sso_url=idp.get("sso_url", ""),
        email_claim=s.email_claim,
        name_claim=s.name_claim,
        programme_claim=s.programme_claim,
        graduation_year_claim=s.graduation_year_claim,
        staff_claim=s.staff_claim,
        staff_values=list(s.staff_values),
        x509cert=idp.get("x509cert", ""),
        idp=selectors.idp_summary(s),
        redirect_uri=request.build_absolute_uri(callback),
        login_url=request.build_absolute_uri(login_url(app)),
        updated_at=s.updated_at,
    )


@router.get(
    "/institutions/{org_id}/sign-on",
    response={200: SignOnOut, **ERRORS},
    summary="The institution's single sign-on set-up (the secret is never returned)",
)
def sign_on_get(request: HttpRequest, org_id: int) -> SignOnOut:
    """An institution's single sign-on set-up (OpenID Connect or SAML), with the redirect and
    login URLs to give your identity provider. The client secret is never returned.
    Institution owners and admins only; none set up is 404."""
    _, sign_on = selectors.access_sign_on_settings(actor=request.user, institution_id=org_id)
    if sign_on is None:
        raise NotFound("This institution has no single sign-on set up.")
    return _out(request, sign_on)


@router.put(
    "/institutions/{org_id}/sign-on",
    response={200: SignOnOut, **ERRORS},
    summary="Set up or change the institution's single sign-on (OpenID Connect or SAML)",
)
def sign_on_put(request: HttpRequest, org_id: int, payload: SignOnIn) -> SignOnOut:
    """Set up or change an institution's single sign-on, OpenID Connect (issuer, client id and
    secret) or SAML (metadata URL, the metadata XML itself in `metadata_xml`, or entity id,
    SSO URL and certificate), which claims carry email, name, programme and graduation year,
    and which claim values sign people in as the institution's staff. Institution owners
    and admins only; missing settings for the protocol, or a metadata file that cannot be
    read or has no signing certificate, are 422 naming the field."""
    sign_on = services.sign_on_save(
        actor=request.user,
        institution_id=org_id,
        data=services.SignOnInput(**payload.dict()),
    )
    return _out(request, sign_on)


@router.delete(
    "/institutions/{org_id}/sign-on",
    response={204: None, **ERRORS},
    summary="Remove the institution's single sign-on",
)
def sign_on_delete(request: HttpRequest, org_id: int) -> Status[None]:
    """Remove an institution's single sign-on; its students sign in with a password again.
    Institution owners and admins only."""
    services.sign_on_remove(actor=request.user, institution_id=org_id)
    return Status(204, None)
