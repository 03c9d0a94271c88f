"""An OAuth app (registered by eve), PKCE and the authorization-code flow driven
through the test client, as a real app would through a browser."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client

from stint.accounts.models import User
from stint.oauth import services

REDIRECT = "https://tracker.example/callback"


@dataclass
class App:
    client_id: str
    secret: str | None
    pk: int


def pkce() -> tuple[str, str]:
    """(verifier, S256 challenge), as RFC 7636 §4.1-4.2 make them."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@pytest.fixture
def tracker(eve: User) -> App:
    made = services.app_register(
        actor=eve, name="Tracker ATS", redirect_uris=REDIRECT, client_type="confidential"
    )
    return App(made.application.client_id, made.client_secret, made.application.pk)


def authorize_params(app: App, challenge: str, scope: str = "read write") -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": REDIRECT,
        "scope": scope,
        "state": "s-123",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }


def consent(browser: Client, app: App, challenge: str, scope: str = "read write") -> str:
    """Open the consent page, allow, and return the code the app receives."""
    params = authorize_params(app, challenge, scope)
    page = browser.get("/oauth/authorize/?" + urlencode(params))
    assert page.status_code == 200, page
    assert b"Tracker ATS" in page.content
    answer = browser.post("/oauth/authorize/", {**params, "allow": "Authorize"})
    assert answer.status_code == 302
    sent = urlsplit(answer["Location"])
    assert f"{sent.scheme}://{sent.netloc}{sent.path}" == REDIRECT
    query = parse_qs(sent.query)
    assert query["state"] == ["s-123"]
    return query["code"][0]


def token_request(app: App, **fields: str) -> Any:
    body = {"client_id": app.client_id, "client_secret": app.secret or "", **fields}
    return Client().post("/oauth/token/", body)


def tokens_for(browser: Client, app: App, scope: str = "read write") -> dict[str, Any]:
    verifier, challenge = pkce()
    code = consent(browser, app, challenge, scope)
    answer = token_request(
        app,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT,
        code_verifier=verifier,
    )
    assert answer.status_code == 200, answer.content
    return answer.json()


def bearer(access_token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {access_token}")
