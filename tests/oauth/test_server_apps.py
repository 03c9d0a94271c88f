"""Issue 16 item 1: an organisation's own server (an applicant-tracking system,
payroll) gets tokens with OAuth client credentials, without a person or a browser.
The app acts as its own member of the organisation with the role it was given, so
member rules apply to it unchanged; money needs an admin app, registered with the
registrar's second factor; deleting the app ends its tokens."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from oauth2_provider.models import Application

from stint.accounts.models import User
from stint.accounts.selectors import mfa_required_for
from stint.audit.models import AuditEntry
from stint.orgs.models import Organisation
from tests.accounts.test_mfa import give_totp
from tests.opportunities.test_api import payload

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _register(api: Client, org: Organisation, **body: Any) -> Any:
    return api.post(f"/api/v1/orgs/{org.pk}/server-apps", json.dumps(body), content_type=JSON)


def _token(client_id: str, secret: str, scope: str | None = None) -> Any:
    body = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    if scope:
        body["scope"] = scope
    return Client().post("/oauth/token/", body)


def _as(access_token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {access_token}")


def test_a_member_app_posts_for_the_organisation_without_a_person(
    bob: User, acme: Organisation, api_for: Any
) -> None:
    made = _register(api_for(bob), acme, name="Acme ATS", role="member")
    assert made.status_code == 201, made.content
    app = made.json()
    assert app["scopes"] == ["read", "write"] and app["organisation_id"] == acme.pk
    token = _token(app["client_id"], app["client_secret"], "read write")
    assert token.status_code == 200, token.content
    ats = _as(token.json()["access_token"])

    created = ats.post("/api/v1/opportunities", json.dumps(payload(acme)), content_type=JSON)
    assert created.status_code == 201, created.content
    members = ats.get(f"/api/v1/orgs/{acme.pk}/members").json()
    assert any(m["role"] == "member" and "Acme ATS" in json.dumps(m) for m in members)
    # A member, not a manager: inviting people stays with owners and admins.
    invite = {"email": "x@acme.example", "role": "member"}
    r = ats.post(f"/api/v1/orgs/{acme.pk}/invitations", json.dumps(invite), content_type=JSON)
    assert r.status_code == 403
    # Never its own registrar: no managing apps or minting personal tokens.
    assert ats.get(f"/api/v1/orgs/{acme.pk}/server-apps").status_code == 403
    assert (
        ats.post("/api/v1/tokens", json.dumps({"name": "x"}), content_type=JSON).status_code == 403
    )
    assert AuditEntry.objects.filter(action="oauth_server_app.registered").exists()


def test_money_needs_an_admin_app_registered_with_a_second_factor(
    bob: User, acme: Organisation, api_for: Any, settings: Any
) -> None:
    member = _register(api_for(bob), acme, name="Reader", role="member").json()
    refused = _token(member["client_id"], member["client_secret"], "payments")
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_scope"

    settings.STINT_MFA_REQUIRED = True
    r = _register(api_for(bob), acme, name="Payroll", role="admin")
    assert r.status_code == 403 and r.json()["code"] == "mfa_required", r.content
    give_totp(bob)
    payroll = _register(api_for(bob), acme, name="Payroll", role="admin").json()
    assert payroll["scopes"] == ["read", "write", "payments"]
    token = _token(payroll["client_id"], payroll["client_secret"], "read payments")
    assert token.status_code == 200, token.content
    # The app itself needs no second factor for money (its registrar gave theirs).
    app_user = User.objects.get(is_app=True, full_name="Payroll (app)")
    assert not app_user.has_usable_password()
    assert not mfa_required_for(app_user)


def test_only_owners_and_admins_register_and_delete_and_outsiders_see_nothing(
    bob: User, carol: User, alice: User, acme: Organisation, api_for: Any
) -> None:
    assert _register(api_for(carol), acme, name="Spy", role="member").status_code == 404
    bad = _register(api_for(bob), acme, name="Acme ATS", role="owner")
    assert bad.status_code == 422 and "role" in json.dumps(bad.json())
    assert not User.objects.filter(is_app=True).exists()  # nothing half-made
    app = _register(api_for(bob), acme, name="Acme ATS", role="member").json()
    assert api_for(carol).delete(f"/api/v1/server-apps/{app['id']}").status_code == 404
    token = _token(app["client_id"], app["client_secret"]).json()["access_token"]
    assert _as(token).get(f"/api/v1/orgs/{acme.pk}").status_code == 200

    assert api_for(bob).delete(f"/api/v1/server-apps/{app['id']}").status_code == 204
    assert _as(token).get(f"/api/v1/orgs/{acme.pk}").status_code == 401  # ended at once
    assert _token(app["client_id"], app["client_secret"]).status_code == 401
    assert not User.objects.get(is_app=True, full_name="Acme ATS (app)").is_active
    assert api_for(bob).get(f"/api/v1/orgs/{acme.pk}/server-apps").json() == []


def test_the_page_registers_shows_the_secret_once_and_deletes(
    bob: User, acme: Organisation, client_for: Any
) -> None:
    browser = client_for(bob)
    # Reached by clicking: the organisation's page links to it.
    url = f"/oauth/orgs/{acme.pk}/server-apps/"
    assert url.encode() in browser.get(f"/orgs/{acme.pk}/").content
    page = browser.get(url)
    assert page.status_code == 200 and b"client credentials" in page.content
    made = browser.post(url, {"name": "Acme ATS", "role": "member"})
    assert made.status_code == 200
    assert b'id="client-secret"' in made.content and b"Acme ATS" in made.content
    listed = browser.get(url)
    assert b"Acme ATS" in listed.content and b'id="client-secret"' not in listed.content
    bad = browser.post(url, {"name": "", "role": "member"})
    assert b"This field is required" in bad.content

    app = Application.objects.get(name="Acme ATS")
    gone = browser.post(f"/oauth/server-apps/{app.pk}/delete/")
    assert gone.status_code == 302 and gone["Location"] == url
    assert app.client_id.encode() not in browser.get(url).content
