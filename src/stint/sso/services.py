"""Writes for institutions' single sign-on: the set-up (an allauth SocialApp per
institution plus the claim mapping) and what a sign-in through it records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.socialaccount.models import SocialAccount, SocialApp
from django.db import transaction
from django.utils import timezone

from stint.accounts.models import User
from stint.audit import services as audit
from stint.core.errors import DomainError, FieldProblems, NotFound
from stint.core.text import single_line, web_url
from stint.orgs.services import (
    affiliation_link_by_sign_on,
    membership_grant_by_sign_on,
    membership_revoke_by_sign_on,
)
from stint.sso import metadata, rules
from stint.sso.models import InstitutionIdentity, InstitutionSignOn, Protocol
from stint.sso.selectors import (
    access_sign_on_settings,
    sign_on_for_provider,
    verified_address,
    verified_domains,
)

SECRET_MAX = 500
CLIENT_ID_MAX = 191  # SocialApp.client_id
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class SignOnInput:
    """What staff type on the set-up page or send to the API. `secret` None or ""
    keeps the stored one (it is never shown back). `metadata_xml`, an uploaded SAML
    metadata file, replaces the entity id, sign-in URL and certificate typed beside it."""

    protocol: str
    issuer_url: str = ""
    client_id: str = ""
    secret: str | None = None
    metadata_url: str = ""
    entity_id: str = ""
    sso_url: str = ""
    x509cert: str = ""
    email_claim: str = ""
    name_claim: str = ""
    programme_claim: str = ""
    graduation_year_claim: str = ""
    staff_claim: str = ""
    staff_values: str | Sequence[str] = ()  # a list, or comma-separated as typed
    enabled: bool = True
    metadata_xml: bytes | str | None = None
    metadata_filename: str = ""


def _secure_url(value: str, field: str) -> str:
    """An https address (http only for this machine, as in development and tests)."""
    url = web_url(value, field)
    if url and urlsplit(url).scheme != "https" and urlsplit(url).hostname not in _LOOPBACK:
        raise DomainError("insecure_url", "Use an https:// address.", field)
    return url


def _claim(problems: FieldProblems, value: str, field: str, *, required: bool) -> str:
    value = value.strip()
    if not value:
        if required:
            problems.add("claim_required", "Name the claim that carries it.", field)
        return ""
    if not rules.claim_name_ok(value):
        problems.add(
            "bad_claim",
            f"A claim name is up to {rules.CLAIM_MAX} letters, digits and _ . : / # @ -.",
            field,
        )
    return value


def _app_settings(data: SignOnInput, problems: FieldProblems, existing: SocialApp | None) -> dict:
    if data.protocol == Protocol.OIDC:
        with problems.check():
            issuer = _secure_url(data.issuer_url, "issuer_url")
            if not issuer:
                raise DomainError("issuer_required", "Give the issuer URL.", "issuer_url")
            return {"server_url": issuer.rstrip("/")}
        return {}
    # SAML: a metadata file, a metadata URL, or the IdP's entity id, sign-in URL and
    # certificate.
    previous_idp = dict(existing.settings.get("idp", {})) if existing else {}
    if data.metadata_xml:
        idp = _idp_from_file(data, problems)
        if idp is None:
            return {}
    else:
        idp = _idp_typed(data, problems, previous_idp)
    mapping = {"uid": ["uid", "urn:oid:0.9.2342.19200300.100.1.1"], "email": [data.email_claim]}
    # The SP entity id and signing policy stay as first set; the IdP part is replaced.
    previous = dict(existing.settings) if existing else {}
    previous.update(
        {
            "idp": idp,
            "attribute_mapping": mapping,
            "advanced": {"want_assertion_signed": True, "reject_idp_initiated_sso": True},
        }
    )
    return previous


def _idp_from_file(data: SignOnInput, problems: FieldProblems) -> dict[str, Any] | None:
    raw = data.metadata_xml or b""
    with problems.check():
        entity_id = single_line(data.entity_id, "entity_id")
        try:
            meta = metadata.read_metadata(
                raw.encode() if isinstance(raw, str) else raw, entity_id=entity_id
            )
        except metadata.MetadataError as exc:
            raise DomainError(exc.code, exc.message, "metadata_xml") from exc
        with problems.check():
            _secure_url(meta.sso_url, "metadata_xml")
        idp: dict[str, Any] = {
            "entity_id": meta.entity_id,
            "sso_url": meta.sso_url,
            "x509cert": meta.x509cert,
            # Shown on the settings page; allauth ignores keys it does not know.
            "metadata_file": {
                "name": single_line(data.metadata_filename, "metadata_filename")[:200],
                "uploaded_at": timezone.now().isoformat(),
            },
        }
        if meta.slo_url:
            idp["slo_url"] = meta.slo_url
        return idp
    return None


def _idp_typed(
    data: SignOnInput, problems: FieldProblems, previous: dict[str, Any]
) -> dict[str, Any]:
    idp: dict[str, Any] = {"entity_id": single_line(data.entity_id, "entity_id")}
    if not idp["entity_id"]:
        problems.add("entity_id_required", "Give the IdP's entity ID.", "entity_id")
    with problems.check():
        metadata_url = _secure_url(data.metadata_url, "metadata_url")
        if metadata_url:
            idp["metadata_url"] = metadata_url
            return idp
        idp["sso_url"] = _secure_url(data.sso_url, "sso_url")
        idp["x509cert"] = data.x509cert.strip()
        if not idp["sso_url"] or not idp["x509cert"]:
            raise DomainError(
                "metadata_required",
                "Give the metadata URL, upload the metadata file, or give the sign-in URL "
                "and the signing certificate.",
                "metadata_url",
            )
        if metadata.certificate_facts(idp["x509cert"]) is None:
            raise DomainError(
                "bad_certificate",
                "This is not a certificate: paste the base64 (or PEM) X.509 certificate.",
                "x509cert",
            )
    # Saved again unchanged (the page shows the file's values): still the file's.
    if previous.get("metadata_file") and all(
        previous.get(k) == idp.get(k) for k in ("entity_id", "sso_url", "x509cert")
    ):
        idp["metadata_file"] = previous["metadata_file"]
        if previous.get("slo_url"):
            idp["slo_url"] = previous["slo_url"]
    return idp


def _staff_mapping(data: SignOnInput, problems: FieldProblems) -> tuple[str, list[str]]:
    """The claim saying who is staff and its values; both or neither."""
    claim = _claim(problems, data.staff_claim, "staff_claim", required=False)
    raw = (
        data.staff_values.replace(";", ",").split(",")
        if isinstance(data.staff_values, str)
        else list(data.staff_values)
    )
    values: list[str] = []
    for value in raw:
        value = str(value).strip()
        if not value or value.casefold() in {v.casefold() for v in values}:
            continue
        if len(value) > rules.STAFF_VALUE_MAX or not value.isprintable():
            problems.add(
                "bad_staff_value",
                f"Each value is one line of up to {rules.STAFF_VALUE_MAX} characters.",
                "staff_values",
            )
            break
        values.append(value)
    if len(values) > rules.STAFF_VALUES_MAX:
        problems.add(
            "too_many_staff_values", f"At most {rules.STAFF_VALUES_MAX} values.", "staff_values"
        )
    if claim and not values:
        problems.add(
            "staff_values_required",
            "Give the values that mean staff, e.g. staff, faculty, employee.",
            "staff_values",
        )
    if values and not claim:
        problems.add(
            "staff_claim_required", "Name the claim or attribute carrying them.", "staff_claim"
        )
    return claim, values


@transaction.atomic
def sign_on_save(*, actor: User, institution_id: int, data: SignOnInput) -> InstitutionSignOn:
    """Create or change an institution's sign-on. Owners/admins of the institution
    and platform admins."""
    org, sign_on = access_sign_on_settings(
        actor=actor, institution_id=institution_id, for_update=True
    )
    problems = FieldProblems()
    if data.protocol not in rules.PROTOCOLS:
        problems.add("bad_protocol", "Choose OpenID Connect (oidc) or SAML (saml).", "protocol")
        problems.raise_any()
    if sign_on is not None and sign_on.protocol != data.protocol:
        raise DomainError(
            "protocol_fixed",
            "Remove the current set-up before switching protocol.",
            "protocol",
        )
    existing = sign_on.app if sign_on else None
    client_id = data.client_id.strip()
    secret = (data.secret or "").strip()
    if data.protocol == Protocol.OIDC:
        if not client_id:
            problems.add("client_id_required", "Give the client ID.", "client_id")
        elif len(client_id) > CLIENT_ID_MAX:
            problems.add("client_id_too_long", "The client ID is too long.", "client_id")
        with problems.check():
            client_id = single_line(client_id, "client_id")
            secret = single_line(secret, "secret")
        if not secret and existing is None:
            problems.add("secret_required", "Give the client secret.", "secret")
        if len(secret) > SECRET_MAX:
            problems.add("secret_too_long", "The secret is too long.", "secret")
    else:
        client_id = rules.provider_id_for(org.slug)  # allauth keys SAML apps by client_id
    email_claim = _claim(problems, data.email_claim, "email_claim", required=True)
    claims = {
        "name_claim": _claim(problems, data.name_claim, "name_claim", required=False),
        "programme_claim": _claim(
            problems, data.programme_claim, "programme_claim", required=False
        ),
        "graduation_year_claim": _claim(
            problems, data.graduation_year_claim, "graduation_year_claim", required=False
        ),
    }
    staff_claim, staff_values = _staff_mapping(data, problems)
    settings = _app_settings(data, problems, existing)
    problems.raise_any()

    app = existing or SocialApp(provider=rules.ALLAUTH_PROVIDER[data.protocol])
    before = _facts(sign_on) if sign_on else None
    app.provider_id = rules.provider_id_for(org.slug)
    app.name = org.name
    app.client_id = client_id
    if secret:
        app.secret = secret
    app.settings = settings
    app.save()
    now = timezone.now()
    if sign_on is None:
        sign_on = InstitutionSignOn(institution=org, app=app, protocol=data.protocol)
    sign_on.enabled = data.enabled
    sign_on.email_claim = email_claim
    sign_on.name_claim = claims["name_claim"]
    sign_on.programme_claim = claims["programme_claim"]
    sign_on.graduation_year_claim = claims["graduation_year_claim"]
    sign_on.staff_claim = staff_claim
    sign_on.staff_values = staff_values
    sign_on.updated_by = actor
    sign_on.updated_at = now
    sign_on.save()
    audit.record(
        actor=actor,
        action="sign_on.saved",
        target=("institution", org.pk),
        before=before,
        after=_facts(sign_on) | {"secret_changed": bool(secret)},
    )
    return sign_on


def _facts(sign_on: InstitutionSignOn) -> dict[str, Any]:
    # Never the secret: the audit log is read by people who must not sign in as the app.
    return {
        "protocol": sign_on.protocol,
        "enabled": sign_on.enabled,
        "client_id": sign_on.app.client_id,
        "settings": sign_on.app.settings,
        "mapping": sign_on.mapping,
        "staff": {"claim": sign_on.staff_claim, "values": sign_on.staff_values},
    }


@transaction.atomic
def sign_on_remove(*, actor: User, institution_id: int) -> None:
    """Remove the set-up. People who signed in through it keep their accounts (and
    a password reset by email still works); their IdP links go with the app."""
    org, sign_on = access_sign_on_settings(
        actor=actor, institution_id=institution_id, for_update=True
    )
    if sign_on is None:
        raise NotFound("This institution has no single sign-on set up.")
    before = _facts(sign_on)
    app = sign_on.app
    sign_on.delete()
    # A later IdP may reuse subject ids for other people: links to this one must not survive.
    SocialAccount.objects.filter(provider=app.provider_id).delete()
    app.delete()
    audit.record(
        actor=actor, action="sign_on.removed", target=("institution", org.pk), before=before
    )


@transaction.atomic
def institution_sign_in_record(
    *, user: User, provider_id: str, subject: str, claims: dict[str, Any]
) -> InstitutionIdentity | None:
    """After someone signed in through an institution's IdP: link them to the
    institution (as a student, or as staff when its mapped claim says so) and keep
    what the IdP said (programme, graduation year)."""
    sign_on = sign_on_for_provider(provider_id)
    if sign_on is None or not sign_on.enabled:
        return None
    said = rules.asserted(claims, sign_on.mapping, today=timezone.localdate())
    institution = sign_on.institution
    # Staff by the IdP's word only for an address in the institution's verified domains
    # that this person holds verified here (not one of another account's).
    staff = rules.signs_in_as_staff(
        claims=claims,
        staff_claim=sign_on.staff_claim,
        staff_values=sign_on.staff_values,
        email=said.email,
        verified_domains=verified_domains(institution.pk),
    ) and verified_address(user, said.email)
    if not staff:
        affiliation_link_by_sign_on(
            user=user, institution_id=institution.pk, email=said.email or user.email
        )
    now = timezone.now()
    # The IdP's subject is the stable key; a subject seen before with another user
    # cannot happen through allauth (one SocialAccount per uid), so key by user.
    identity, _ = InstitutionIdentity.objects.select_for_update().get_or_create(
        user=user, institution=institution, defaults={"subject": subject[:255]}
    )
    identity.subject = subject[:255]
    identity.email = said.email[:254]
    identity.programme = said.programme
    identity.graduation_year = said.graduation_year
    identity.last_signed_in_at = now
    if staff:
        if membership_grant_by_sign_on(user=user, institution_id=institution.pk) is not None:
            identity.staff_by_sign_on = True
    elif identity.staff_by_sign_on:
        # The IdP no longer says staff: the membership this sign-on made goes.
        membership_revoke_by_sign_on(user=user, institution_id=institution.pk)
        identity.staff_by_sign_on = False
    identity.save()
    if said.name and not user.full_name:
        user.full_name = said.name
        user.save(update_fields=["full_name"])
    return identity
