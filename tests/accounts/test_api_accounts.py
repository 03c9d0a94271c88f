"""Issue 16 item 2: an app signs a person up, verifies the email, signs in and
resets a password without a browser, through allauth's headless app API
(/_allauth/app/v1/), with the pages' rate limits; the app session then reaches
Stint's API (X-Session-Token) and mints a scoped personal token."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from stint.accounts.models import User
from stint.orgs import services as org_services
from stint.orgs.models import Organisation
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

JSON = "application/json"
AUTH = "/_allauth/app/v1/auth"


def _post(client: Client, path: str, body: dict[str, Any], token: str | None = None) -> Any:
    headers = {"HTTP_X_SESSION_TOKEN": token} if token else {}
    return client.post(path, json.dumps(body), content_type=JSON, **headers)


def _key_from_last_mail(email: str) -> str:
    message = next(m for m in reversed(mail.outbox) if email in m.to)
    match = re.search(r"/accounts/confirm-email/([^\s/]+)/", message.body)
    assert match, message.body
    return match.group(1)


def _sign_up(client: Client, email: str, joining_as: str) -> str:
    r = _post(
        client,
        f"{AUTH}/signup",
        {"email": email, "password": PASSWORD, "full_name": "Api Person", "joining_as": joining_as},
    )
    # 401: signed up, but a flow (verifying the email) is pending; the session token
    # carries the person through it.
    assert r.status_code == 401, r.content
    body = r.json()
    pending = [f["id"] for f in body["data"]["flows"] if f.get("is_pending")]
    assert pending == ["verify_email"]
    return str(body["meta"]["session_token"])


def test_a_candidate_signs_up_verifies_and_gets_a_scoped_token_without_a_browser() -> None:
    client = Client(enforce_csrf_checks=True)  # no CSRF token is ever needed
    session = _sign_up(client, "api.candidate@example.com", "candidate")
    user = User.objects.get(email="api.candidate@example.com")
    assert user.is_candidate and user.full_name == "Api Person"
    # Not verified yet: the API refuses the pending session.
    assert client.get("/api/v1/me", HTTP_X_SESSION_TOKEN=session).status_code == 401

    r = _post(client, f"{AUTH}/email/verify", {"key": _key_from_last_mail(user.email)}, session)
    assert r.status_code == 200, r.content
    assert r.json()["meta"]["is_authenticated"] is True
    session = r.json()["meta"].get("session_token", session)  # signing in may rotate it

    me = client.get("/api/v1/me", HTTP_X_SESSION_TOKEN=session)
    assert me.status_code == 200 and me.json()["email"] == user.email
    minted = client.post(
        "/api/v1/tokens",
        json.dumps({"name": "my app", "scopes": ["profile"]}),
        content_type=JSON,
        HTTP_X_SESSION_TOKEN=session,
    )
    assert minted.status_code == 201, minted.content
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {minted.json()['token']}"}
    assert Client().get("/api/v1/me", **bearer).status_code == 200
    assert Client().get("/api/v1/applications", **bearer).status_code == 403  # scoped


def test_an_employer_signs_up_then_creates_the_organisation_through_the_api() -> None:
    client = Client(enforce_csrf_checks=True)
    session = _sign_up(client, "boss@corp-api.example", "employer")
    user = User.objects.get(email="boss@corp-api.example")
    assert not user.is_candidate
    r = _post(client, f"{AUTH}/email/verify", {"key": _key_from_last_mail(user.email)}, session)
    session = r.json()["meta"].get("session_token", session)
    r = client.post(
        "/api/v1/orgs",
        json.dumps({"name": "Corp Api", "kind": "employer", "website": "https://corp-api.example"}),
        content_type=JSON,
        HTTP_X_SESSION_TOKEN=session,
    )
    assert r.status_code == 201, r.content
    assert r.json()["name"] == "Corp Api"


def test_sign_in_and_password_reset_without_a_browser(alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    wrong = _post(client, f"{AUTH}/login", {"email": alice.email, "password": "not it"})
    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["param"] == "password"  # the field is named
    r = _post(client, f"{AUTH}/login", {"email": alice.email, "password": PASSWORD})
    assert r.status_code == 200, r.content
    session = r.json()["meta"]["session_token"]
    assert client.get("/api/v1/me", HTTP_X_SESSION_TOKEN=session).json()["id"] == alice.pk

    mail.outbox.clear()
    r = _post(client, f"{AUTH}/password/request", {"email": alice.email})
    assert r.status_code == 200
    message = next(m for m in mail.outbox if alice.email in m.to)
    key = re.search(r"/accounts/password/reset/key/([^\s/]+)/", message.body)
    assert key, message.body
    r = _post(client, f"{AUTH}/password/reset", {"key": key.group(1), "password": "A-new-pass-42!"})
    assert r.status_code in (200, 401), r.content  # 401: reset done, now sign in
    again = _post(client, f"{AUTH}/login", {"email": alice.email, "password": "A-new-pass-42!"})
    assert again.status_code == 200


def test_a_bad_session_token_is_a_401_never_a_visit() -> None:
    client = Client()
    assert client.get("/api/v1/opportunities").status_code == 200  # public read
    r = client.get("/api/v1/opportunities", HTTP_X_SESSION_TOKEN="not-a-session")
    assert r.status_code == 401
    assert client.get("/api/v1/me", HTTP_X_SESSION_TOKEN="not-a-session").status_code == 401


def test_sign_up_through_the_app_api_has_the_pages_rate_limit(settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/m/ip"}
    cache.clear()
    client = Client()
    for i in range(2):
        body = {"email": f"flood{i}@example.com", "password": PASSWORD, "joining_as": "candidate"}
        assert _post(client, f"{AUTH}/signup", body).status_code == 401
    body = {"email": "flood9@example.com", "password": PASSWORD, "joining_as": "candidate"}
    assert _post(client, f"{AUTH}/signup", body).status_code == 429
    assert not User.objects.filter(email="flood9@example.com").exists()
    # The page shares the same count (one limit per address, not one per door).
    page = client.post(
        "/accounts/signup/",
        {"email": "flood10@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert page.status_code == 429


def test_the_account_api_describes_itself_without_a_cdn_page() -> None:
    client = Client()
    spec = client.get("/_allauth/openapi.json")
    assert spec.status_code == 200
    paths = json.loads(spec.content)["paths"]
    assert "/_allauth/app/v1/auth/signup" in paths
    assert client.get("/_allauth/openapi.html").status_code == 404  # Redoc from a CDN: not served


def test_an_invited_employer_signs_up_and_joins_the_organisation_through_the_api(
    bob: User, acme: Organisation
) -> None:
    invited = org_services.invitation_create(
        actor=bob, organisation_id=acme.pk, email="joiner@acme.example", role="member"
    )
    token = org_services.invitation_token(invited.invitation)
    client = Client(enforce_csrf_checks=True)
    session = _sign_up(client, "joiner@acme.example", "employer")
    r = _post(
        client, f"{AUTH}/email/verify", {"key": _key_from_last_mail("joiner@acme.example")}, session
    )
    session = r.json()["meta"].get("session_token", session)
    joined = _post(client, "/api/v1/invitations/accept", {"token": token}, session)
    assert joined.status_code == 200, joined.content
    assert acme.memberships.filter(user__email="joiner@acme.example").exists()
