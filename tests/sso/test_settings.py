"""Setting up an institution's single sign-on: page and API twin, who may, and the
secret never shown back."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from allauth.socialaccount.models import SocialApp
from django.test import Client

from stint.accounts.models import User
from stint.audit.models import AuditEntry
from stint.orgs.models import Organisation
from stint.orgs.services import invitation_accept, invitation_create
from stint.sso.models import InstitutionSignOn
from tests.personas import make_user

pytestmark = pytest.mark.django_db

OIDC = {
    "protocol": "oidc",
    "issuer_url": "https://login.uni.example.edu/realms/students",
    "client_id": "stint",
    "secret": "very-secret-value",
    "email_claim": "email",
    "name_claim": "name",
    "programme_claim": "programme",
    "graduation_year_claim": "grad_year",
}


def _put(client: Client, org: Organisation, body: dict) -> object:
    return client.put(
        f"/api/v1/institutions/{org.pk}/sign-on", json.dumps(body), content_type="application/json"
    )


def test_institution_staff_set_it_up_through_the_api_and_never_see_the_secret(
    api_for: Callable[[User | None], Client], dana: User, uni: Organisation
) -> None:
    api = api_for(dana)
    answer = _put(api, uni, OIDC)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["has_secret"] is True and "secret" not in body
    assert b"very-secret-value" not in answer.content
    assert body["redirect_uri"].endswith(f"/accounts/oidc/{uni.slug}/login/callback/")
    app = SocialApp.objects.get(provider="openid_connect", provider_id=uni.slug)
    assert app.secret == "very-secret-value"
    assert app.settings == {"server_url": OIDC["issuer_url"]}
    got = api.get(f"/api/v1/institutions/{uni.pk}/sign-on")
    assert got.status_code == 200 and b"very-secret-value" not in got.content
    # A change without a secret keeps the stored one.
    again = _put(api, uni, {**OIDC, "secret": None, "programme_claim": "prog"})
    assert again.status_code == 200
    app.refresh_from_db()
    assert app.secret == "very-secret-value"
    assert InstitutionSignOn.objects.get(institution=uni).programme_claim == "prog"
    entries = AuditEntry.objects.filter(action="sign_on.saved")
    assert entries.count() == 2
    assert all("very-secret-value" not in json.dumps(e.after) for e in entries)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"issuer_url": "not a url"}, "issuer_url"),
        ({"issuer_url": "http://login.uni.example.edu"}, "issuer_url"),
        ({"client_id": ""}, "client_id"),
        ({"secret": ""}, "secret"),
        ({"email_claim": "two words"}, "email_claim"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    api_for: Callable[[User | None], Client],
    dana: User,
    uni: Organisation,
    change: dict,
    field: str,
) -> None:
    answer = _put(api_for(dana), uni, {**OIDC, **change})
    assert answer.status_code == 422, answer.content
    assert field in answer.content.decode()
    assert not InstitutionSignOn.objects.exists() and not SocialApp.objects.exists()


def test_who_may_set_it_up(
    api_for: Callable[[User | None], Client],
    uni: Organisation,
    dana: User,
    root: User,
    eve: User,
    acme: Organisation,
    bob: User,
) -> None:
    member = make_user("mo@uni.example.edu")
    invitation = invitation_create(actor=dana, organisation_id=uni.pk, email=member.email)
    invitation_accept(actor=member, token=invitation.token)
    assert _put(api_for(eve), uni, OIDC).status_code == 404  # outsiders: no such institution
    assert _put(api_for(member), uni, OIDC).status_code == 403  # a plain member
    assert _put(api_for(bob), acme, OIDC).status_code == 404  # employers have no SSO
    assert not InstitutionSignOn.objects.exists()
    assert _put(api_for(root), uni, OIDC).status_code == 200  # a platform admin may
    assert api_for(None).get(f"/api/v1/institutions/{uni.pk}/sign-on").status_code == 401


def test_the_page_saves_and_removes_without_showing_the_secret(
    client_for: Callable[[User | None], Client], dana: User, uni: Organisation
) -> None:
    client = client_for(dana)
    page = client.get(f"/sso/institutions/{uni.pk}/")
    assert page.status_code == 200
    assert f"/accounts/oidc/{uni.slug}/login/callback/".encode() in page.content
    saved = client.post(f"/sso/institutions/{uni.pk}/", {**OIDC, "enabled": "on"})
    assert saved.status_code == 302
    page = client.get(f"/sso/institutions/{uni.pk}/")
    assert b"very-secret-value" not in page.content and b"A client secret is stored" in page.content
    bad = client.post(f"/sso/institutions/{uni.pk}/", {**OIDC, "issuer_url": "ftp://x"})
    assert bad.status_code == 200 and b"https://" in bad.content
    assert client.post(f"/sso/institutions/{uni.pk}/", {**OIDC, "protocol": "x"}).status_code == 200
    removed = client.post(f"/sso/institutions/{uni.pk}/remove/")
    assert removed.status_code == 302
    assert not InstitutionSignOn.objects.exists() and not SocialApp.objects.exists()


def test_saml_is_configured_with_a_metadata_url_or_certificate(
    api_for: Callable[[User | None], Client], dana: User, uni: Organisation
) -> None:
    api = api_for(dana)
    missing = _put(
        api, uni, {"protocol": "saml", "entity_id": "https://idp", "email_claim": "mail"}
    )
    assert missing.status_code == 422 and "metadata_url" in missing.content.decode()
    answer = _put(
        api,
        uni,
        {
            "protocol": "saml",
            "entity_id": "https://idp.uni.example.edu/idp/shibboleth",
            "metadata_url": "https://idp.uni.example.edu/idp/shibboleth/metadata",
            "email_claim": "urn:oid:0.9.2342.19200300.100.1.3",
        },
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["redirect_uri"].endswith(f"/accounts/saml/{uni.slug}/acs/")
    app = SocialApp.objects.get(provider="saml")
    assert app.client_id == uni.slug
    assert app.settings["idp"]["metadata_url"].endswith("/metadata")
    assert app.settings["attribute_mapping"]["email"] == ["urn:oid:0.9.2342.19200300.100.1.3"]


def test_the_login_page_offers_the_university_and_finds_it_by_email(
    dana: User, uni: Organisation
) -> None:
    from django.utils import timezone

    from stint.orgs.models import InstitutionDomain
    from stint.sso.services import SignOnInput, sign_on_save

    InstitutionDomain.objects.create(
        organisation=uni, domain="uni.example.edu", verified_at=timezone.now()
    )
    anonymous = Client()
    assert b"Sign in with your university" not in anonymous.get("/accounts/login/").content
    sign_on_save(
        actor=dana,
        institution_id=uni.pk,
        data=SignOnInput(**OIDC),
    )
    login = anonymous.get("/accounts/login/")
    assert b"Sign in with your university" in login.content and b"Uni of Testing" in login.content
    found = anonymous.get("/sso/find/", {"email": "sam@cs.uni.example.edu"})
    assert found.status_code == 200
    assert b"Sign in with Uni of Testing" in found.content
    assert f'action="/accounts/oidc/{uni.slug}/login/"'.encode() in found.content
    picked = anonymous.get("/sso/find/", {"institution": uni.slug})
    assert b"Sign in with Uni of Testing" in picked.content
    unknown = anonymous.get("/sso/find/", {"email": "sam@gmail.example"})
    assert unknown.status_code == 404 and b"No university with single sign-on" in unknown.content
