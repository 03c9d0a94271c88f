from __future__ import annotations

import pytest
from django.test import Client

from stint.accounts.models import ApiToken, User
from stint.accounts.services import api_token_create, hash_token

pytestmark = pytest.mark.django_db


def test_token_is_stored_hashed_and_authenticates_the_api(alice: User) -> None:
    created = api_token_create(user=alice, name="laptop")
    stored = ApiToken.objects.get(pk=created.token.pk)
    assert created.secret not in (stored.key_hash, stored.prefix)
    assert stored.key_hash == hash_token(created.secret)
    r = Client(HTTP_AUTHORIZATION=f"Bearer {created.secret}").get("/api/v1/me")
    assert r.status_code == 200
    assert r.json()["email"] == "alice@example.com"
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_revoked_or_wrong_tokens_are_refused(alice: User) -> None:
    created = api_token_create(user=alice, name="ci")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {created.secret}")
    assert client.delete(f"/api/v1/tokens/{created.token.pk}").status_code == 200
    r = client.get("/api/v1/me")
    assert r.status_code == 401
    assert r.json()["detail"].startswith("Authentication required")
    assert Client(HTTP_AUTHORIZATION="Bearer stint_nope_nope").get("/api/v1/me").status_code == 401


def test_create_token_through_the_api_shows_it_once(alice: User, api_for) -> None:  # type: ignore[no-untyped-def]
    client = api_for(alice)
    r = client.post("/api/v1/tokens", {"name": "script"}, content_type="application/json")
    assert r.status_code == 201
    secret = r.json()["token"]
    assert secret.startswith("stint_")
    listing = client.get("/api/v1/tokens").json()
    assert all("token" not in t for t in listing)
    assert {t["name"] for t in listing} == {"tests", "script"}


def test_blank_token_name_is_a_422_with_the_field(alice: User, api_for) -> None:  # type: ignore[no-untyped-def]
    client = api_for(alice)
    before = ApiToken.objects.count()
    r = client.post("/api/v1/tokens", {"name": ""}, content_type="application/json")
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "name"
    r = client.post("/api/v1/tokens", {"name": "   "}, content_type="application/json")
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "name", "message": r.json()["detail"]}]
    assert ApiToken.objects.count() == before


def test_token_limit(alice: User, settings) -> None:  # type: ignore[no-untyped-def]
    from stint.core.errors import DomainError

    settings.STINT_API_TOKEN_LIMIT = 2
    api_token_create(user=alice, name="a")
    api_token_create(user=alice, name="b")
    with pytest.raises(DomainError, match="revoke one"):
        api_token_create(user=alice, name="c")


def test_one_user_cannot_revoke_anothers_token(alice: User, eve: User, api_for) -> None:  # type: ignore[no-untyped-def]
    created = api_token_create(user=alice, name="mine")
    r = api_for(eve).delete(f"/api/v1/tokens/{created.token.pk}")
    assert r.status_code == 404
    created.token.refresh_from_db()
    assert created.token.revoked_at is None


def test_settings_page_creates_and_revokes_tokens(alice: User, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(alice)
    page = client.post("/account/settings/", {"action": "token", "name": "from the page"})
    assert page.status_code == 200
    token = ApiToken.objects.get(user=alice, name="from the page")
    assert b'id="new-token"' in page.content
    assert client.post(f"/account/settings/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_settings_page_shows_the_error_next_to_the_field(alice: User, client_for) -> None:  # type: ignore[no-untyped-def]
    page = client_for(alice).post("/account/settings/", {"action": "token", "name": ""})
    assert page.status_code == 200
    assert b"This field is required" in page.content
    assert not ApiToken.objects.filter(user=alice).exists()


def test_session_api_calls_need_csrf_for_writes(alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.get("/api/v1/me").status_code == 200
    r = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert r.status_code in {401, 403}
    assert not ApiToken.objects.filter(user=alice).exists()
