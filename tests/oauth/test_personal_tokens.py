"""Personal tokens may be limited by the same scopes as apps' tokens, and may expire."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from stint.accounts.models import ApiToken, User
from stint.accounts.services import api_token_create

pytestmark = pytest.mark.django_db
JSON = "application/json"


def bearer(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_scoped_personal_token_is_limited_like_an_apps(
    alice: User, api_for: Callable[[User], Client]
) -> None:
    made = api_for(alice).post(
        "/api/v1/tokens", {"name": "reader", "scopes": ["read"]}, content_type=JSON
    )
    assert made.status_code == 201, made.content
    assert made.json()["scopes"] == ["read"] and made.json()["expires_at"] is None
    api = bearer(made.json()["token"])
    assert api.get("/api/v1/notifications").status_code == 200
    refused = api.post("/api/v1/notifications/read", {}, content_type=JSON)
    assert refused.status_code == 403 and "`write`" in refused.json()["detail"]
    # a scoped token cannot mint an unscoped one
    escape = api.post("/api/v1/tokens", {"name": "all"}, content_type=JSON)
    assert escape.status_code == 403 and escape.json()["code"] == "not_for_apps"
    assert ApiToken.objects.filter(user=alice).count() == 2  # api_for's own and "reader"


def test_an_unknown_scope_or_a_past_expiry_is_422_naming_the_field(
    alice: User, api_for: Callable[[User], Client]
) -> None:
    api = api_for(alice)
    bad = api.post("/api/v1/tokens", {"name": "x", "scopes": ["admin"]}, content_type=JSON)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "scopes"
    past = (timezone.now() - timedelta(minutes=1)).isoformat()
    late = api.post("/api/v1/tokens", {"name": "x", "expires_at": past}, content_type=JSON)
    assert late.status_code == 422 and late.json()["errors"][0]["field"] == "expires_at"
    assert ApiToken.objects.filter(user=alice).count() == 1


def test_an_expired_personal_token_is_401(alice: User) -> None:
    made = api_token_create(
        user=alice, name="short", expires_at=timezone.now() + timedelta(hours=1)
    )
    api = bearer(made.secret)
    assert api.get("/api/v1/me").status_code == 200
    ApiToken.objects.filter(pk=made.token.pk).update(expires_at=timezone.now())
    assert api.get("/api/v1/me").status_code == 401
    assert not ApiToken.objects.get(pk=made.token.pk).is_active


def test_settings_page_makes_a_scoped_expiring_token(
    alice: User, client_for: Callable[[User | None], Client]
) -> None:
    browser = client_for(alice)
    page = browser.post(
        "/account/settings/",
        {"action": "token", "name": "ci", "scopes": ["read", "profile"], "expires_in_days": "30"},
    )
    assert page.status_code == 200
    token = ApiToken.objects.get(user=alice)
    assert token.scopes == "profile read"
    assert token.expires_at is not None
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert b"profile read" in page.content and b"active until" in page.content
