"""Reads for institutions' single sign-on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import QuerySet

from stint.accounts.models import User
from stint.core.errors import Forbidden, NotFound
from stint.orgs import rules as org_rules
from stint.orgs.models import InstitutionDomain, Organisation, OrgKind
from stint.orgs.selectors import access_organisation
from stint.sso.metadata import Certificate, certificate_facts
from stint.sso.models import InstitutionSignOn


def access_sign_on_settings(
    *, actor: User, institution_id: int, for_update: bool = False
) -> tuple[Organisation, InstitutionSignOn | None]:
    """The institution and its sign-on set-up, for its owners and admins and for
    platform admins. Outsiders get NotFound; other members Forbidden."""
    org, membership = access_organisation(
        actor=actor, organisation_id=institution_id, for_update=for_update
    )
    if not (actor.is_staff or (membership and org_rules.can_manage(membership.role))):
        raise Forbidden("Only the institution's owners and admins may set up single sign-on.")
    if org.kind != OrgKind.INSTITUTION:
        raise NotFound("Only institutions have single sign-on.")
    qs = InstitutionSignOn.objects.select_related("app")
    if for_update:
        qs = qs.select_for_update()
    return org, qs.filter(institution=org).first()


def sign_ons_for_login() -> QuerySet[InstitutionSignOn]:
    """Institutions whose sign-in button the login page offers."""
    return (
        InstitutionSignOn.objects.filter(enabled=True)
        .select_related("institution", "app")
        .order_by("institution__name")
    )


def sign_on_for_email(email: str) -> InstitutionSignOn | None:
    """The enabled sign-on of the institution whose verified domain covers `email`."""
    if "@" not in email:
        return None
    for domain in InstitutionDomain.objects.filter(verified_at__isnull=False):
        if org_rules.domain_covers(domain.domain, email):
            found = sign_ons_for_login().filter(institution_id=domain.organisation_id).first()
            if found is not None:
                return found
    return None


def sign_on_for_provider(provider_id: str) -> InstitutionSignOn | None:
    """The sign-on behind an allauth SocialAccount's `provider` (the app's provider_id)."""
    return (
        InstitutionSignOn.objects.select_related("institution", "app")
        .filter(app__provider_id=provider_id)
        .first()
    )


def verified_domains(institution_id: int) -> list[str]:
    return list(
        InstitutionDomain.objects.filter(
            organisation_id=institution_id, verified_at__isnull=False
        ).values_list("domain", flat=True)
    )


def verified_address(user: User, email: str) -> bool:
    """Whether `user` holds `email` as a verified address here."""
    return (
        bool(email)
        and EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
    )


def claims_of(extra_data: Mapping[str, Any]) -> dict[str, Any]:
    """The claims an IdP sent: OIDC keeps the id_token and userinfo apart (userinfo
    wins, as in allauth); SAML keeps the attributes as they came."""
    if "id_token" in extra_data or "userinfo" in extra_data:
        merged: dict[str, Any] = dict(extra_data.get("id_token") or {})
        merged.update(extra_data.get("userinfo") or {})
        return merged
    return dict(extra_data)


@dataclass(frozen=True)
class IdpSummary:
    """What Stint will trust, shown to staff after they saved (from a file or typed)."""

    source: str  # "file" | "url" | "typed"
    entity_id: str
    sso_url: str
    slo_url: str
    file_name: str
    uploaded_at: dt.datetime | None
    certificate: Certificate | None  # None with a metadata URL (read at sign-in)


def idp_summary(sign_on: InstitutionSignOn) -> IdpSummary | None:
    """The SAML identity provider's entity id, addresses and certificate; None for OIDC."""
    if sign_on.protocol != "saml":
        return None
    idp = sign_on.app.settings.get("idp", {})
    file = idp.get("metadata_file") or {}
    uploaded = file.get("uploaded_at")
    return IdpSummary(
        source="file" if file else "url" if idp.get("metadata_url") else "typed",
        entity_id=idp.get("entity_id", ""),
        sso_url=idp.get("sso_url", ""),
        slo_url=idp.get("slo_url", ""),
        file_name=file.get("name", ""),
        uploaded_at=dt.datetime.fromisoformat(uploaded) if uploaded else None,
        certificate=certificate_facts(idp["x509cert"]) if idp.get("x509cert") else None,
    )
