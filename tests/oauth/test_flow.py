"""The OAuth 2.0 flow end to end: authorization code with PKCE, the token, an API call,
refresh rotation, expiry, revocation, introspection, and scopes enforced on the API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken

from stint.accounts.models import User
from stint.audit.models import AuditEntry
from stint.oauth import services
from stint.oauth.tasks import clear_expired_tokens
from tests.oauth.conftest import (
    REDIRECT,
    App,
    authorize_params,
    bearer,
    consent,
    pkce,
    token_request,
    tokens_for,
)

pytestmark = pytest.mark.django_db
JSON = "application/json"
Browser = Callable[[User | None], Client]


def test_code_with_pkce_gives_a_token_that_calls_the_api_as_the_person(
    alice: User, tracker: App, client_for: Browser
) -> None:
    got = tokens_for(client_for(alice), tracker)
    assert got["token_type"] == "Bearer"
    assert set(got["scope"].split()) == {"read", "write"}
    assert 0 < got["expires_in"] <= 3600  # ACCESS_TOKEN_EXPIRE_SECONDS
    api = bearer(got["access_token"])
    listed = api.get("/api/v1/notifications")
    assert listed.status_code == 200, listed.content
    marked = api.post("/api/v1/notifications/read", {}, content_type=JSON)
    assert marked.status_code == 200, marked.content
    # the consent was audited, naming the person and the app
    entry = AuditEntry.objects.get(action="oauth_grant.given")
    assert entry.actor == alice and entry.target_id == str(tracker.pk)


def test_a_wrong_code_verifier_is_refused(alice: User, tracker: App, client_for: Browser) -> None:
    _, challenge = pkce()
    code = consent(client_for(alice), tracker, challenge)
    other_verifier, _ = pkce()
    answer = token_request(
        tracker,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT,
        code_verifier=other_verifier,
    )
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"
    assert not AccessToken.objects.exists()


def test_pkce_is_required(alice: User, tracker: App, client_for: Browser) -> None:
    params = authorize_params(tracker, "x")
    del params["code_challenge"], params["code_challenge_method"]
    page = client_for(alice).get("/oauth/authorize/", params)
    # no consent page and no code: the app is sent back with the error
    assert page.status_code == 302
    assert "error=invalid_request" in page["Location"] and "code=" not in page["Location"]


def test_refusing_consent_sends_the_app_away_with_no_code(
    alice: User, tracker: App, client_for: Browser
) -> None:
    _, challenge = pkce()
    browser = client_for(alice)
    params = authorize_params(tracker, challenge)
    assert browser.get("/oauth/authorize/", params).status_code == 200
    answer = browser.post("/oauth/authorize/", params)  # "Don't allow": no `allow`
    assert answer.status_code == 302
    assert "error=access_denied" in answer["Location"] and "code=" not in answer["Location"]
    assert not AuditEntry.objects.filter(action="oauth_grant.given").exists()


def test_an_expired_token_is_401(alice: User, tracker: App, client_for: Browser) -> None:
    got = tokens_for(client_for(alice), tracker)
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    answer = bearer(got["access_token"]).get("/api/v1/notifications")
    assert answer.status_code == 401
    assert answer.json()["code"] == "unauthenticated"


def test_a_made_up_token_is_401(db: None) -> None:
    answer = bearer("not-a-real-token-at-all").get("/api/v1/notifications")
    assert answer.status_code == 401


def test_refresh_rotates_and_a_reused_refresh_token_ends_the_family(
    alice: User, tracker: App, client_for: Browser
) -> None:
    first = tokens_for(client_for(alice), tracker)
    second = token_request(
        tracker, grant_type="refresh_token", refresh_token=first["refresh_token"]
    )
    assert second.status_code == 200, second.content
    renewed = second.json()
    assert renewed["refresh_token"] != first["refresh_token"]
    assert renewed["access_token"] != first["access_token"]
    assert bearer(renewed["access_token"]).get("/api/v1/notifications").status_code == 200
    # the old access token went with the rotation
    assert bearer(first["access_token"]).get("/api/v1/notifications").status_code == 401
    # replaying the old refresh token is refused, and (it leaked) revokes the new ones too
    replay = token_request(
        tracker, grant_type="refresh_token", refresh_token=first["refresh_token"]
    )
    assert replay.status_code == 400
    assert bearer(renewed["access_token"]).get("/api/v1/notifications").status_code == 401


def test_the_app_revokes_its_token(alice: User, tracker: App, client_for: Browser) -> None:
    got = tokens_for(client_for(alice), tracker)
    answer = Client().post(
        "/oauth/revoke_token/",
        {
            "token": got["access_token"],
            "client_id": tracker.client_id,
            "client_secret": tracker.secret,
        },
    )
    assert answer.status_code == 200
    assert bearer(got["access_token"]).get("/api/v1/notifications").status_code == 401


def test_introspection_answers_the_app_about_its_own_tokens_only(
    alice: User, eve: User, tracker: App, client_for: Browser
) -> None:
    got = tokens_for(client_for(alice), tracker)
    mine = Client().post(
        "/oauth/introspect/",
        {
            "token": got["access_token"],
            "client_id": tracker.client_id,
            "client_secret": tracker.secret,
        },
    )
    assert mine.status_code == 200
    body = mine.json()
    assert body["active"] is True and body["client_id"] == tracker.client_id
    assert set(body["scope"].split()) == {"read", "write"}
    other = services.app_register(
        actor=eve,
        name="Snoop",
        redirect_uris="https://snoop.example/cb",
        client_type="confidential",
    )
    theirs = Client().post(
        "/oauth/introspect/",
        {
            "token": got["access_token"],
            "client_id": other.application.client_id,
            "client_secret": other.client_secret,
        },
    )
    assert theirs.json() == {"active": False}
    wrong_secret = Client().post(
        "/oauth/introspect/",
        {"token": got["access_token"], "client_id": tracker.client_id, "client_secret": "nope"},
    )
    assert wrong_secret.status_code == 401


# --- Scopes on the API ------------------------------------------------------------------------


def test_a_read_only_token_cannot_write_and_is_told_which_scope(
    alice: User, tracker: App, client_for: Browser
) -> None:
    got = tokens_for(client_for(alice), tracker, scope="read")
    api = bearer(got["access_token"])
    assert api.get("/api/v1/notifications").status_code == 200
    refused = api.post("/api/v1/notifications/read", {}, content_type=JSON)
    assert refused.status_code == 403
    body = refused.json()
    assert body["code"] == "insufficient_scope"
    assert "`write`" in body["detail"]
    assert body["errors"][0]["field"] == "scope"


def test_account_and_money_need_their_own_scopes(
    alice: User, tracker: App, client_for: Browser
) -> None:
    got = tokens_for(client_for(alice), tracker, scope="read write")
    api = bearer(got["access_token"])
    me = api.get("/api/v1/me")
    assert me.status_code == 403 and "`profile`" in me.json()["detail"]
    balance = api.get("/api/v1/payments/balance")
    assert balance.status_code == 403 and "`payments`" in balance.json()["detail"]
    wider = tokens_for(client_for(alice), tracker, scope="profile payments")
    api = bearer(wider["access_token"])
    assert api.get("/api/v1/me").json()["email"] == alice.email
    assert api.get("/api/v1/payments/balance").status_code == 200


def test_an_app_cannot_mint_personal_tokens_even_with_every_scope(
    alice: User, tracker: App, client_for: Browser
) -> None:
    every = "read write payments profile institution"
    got = tokens_for(client_for(alice), tracker, scope=every)
    refused = bearer(got["access_token"]).post(
        "/api/v1/tokens", {"name": "escape"}, content_type=JSON
    )
    assert refused.status_code == 403 and refused.json()["code"] == "not_for_apps"
    assert not alice.api_tokens.exists()


def test_personal_tokens_keep_every_right(alice: User, api_for: Browser) -> None:
    api = api_for(alice)
    assert api.get("/api/v1/me").status_code == 200
    assert api.get("/api/v1/tokens").status_code == 200


def test_an_unknown_scope_is_refused_at_authorisation(
    alice: User, tracker: App, client_for: Browser
) -> None:
    _, challenge = pkce()
    params = authorize_params(tracker, challenge, scope="read admin")
    page = client_for(alice).get("/oauth/authorize/", params)
    assert page.status_code == 302 and "error=invalid_scope" in page["Location"]


def test_the_idempotency_key_belongs_to_the_person_behind_an_app_token(
    alice: User, tracker: App, client_for: Browser
) -> None:
    got = tokens_for(client_for(alice), tracker)
    api = bearer(got["access_token"])
    headers = {"HTTP_IDEMPOTENCY_KEY": "k-1"}
    first = api.post("/api/v1/notifications/read", {}, content_type=JSON, **headers)
    again = api.post("/api/v1/notifications/read", {}, content_type=JSON, **headers)
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"


def test_refresh_tokens_stop_at_revocation_by_the_person(
    alice: User, tracker: App, client_for: Browser
) -> None:
    got = tokens_for(client_for(alice), tracker)
    services.grant_revoke(actor=alice, application_id=tracker.pk)
    assert bearer(got["access_token"]).get("/api/v1/notifications").status_code == 401
    again = token_request(tracker, grant_type="refresh_token", refresh_token=got["refresh_token"])
    assert again.status_code == 400
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()


def test_the_daily_job_clears_long_expired_tokens(
    alice: User, tracker: App, client_for: Browser
) -> None:
    tokens_for(client_for(alice), tracker)
    live = tokens_for(client_for(alice), tracker)
    first = AccessToken.objects.order_by("pk").first()
    assert first is not None
    # past the refresh tokens' lifetime too (REFRESH_TOKEN_EXPIRE_SECONDS, 30 days)
    AccessToken.objects.filter(pk=first.pk).update(expires=timezone.now() - timedelta(days=31))
    clear_expired_tokens.call()
    assert not AccessToken.objects.filter(pk=first.pk).exists()
    assert bearer(live["access_token"]).get("/api/v1/notifications").status_code == 200


def test_an_unknown_app_gets_an_error_page_not_a_redirect(
    alice: User, tracker: App, client_for: Browser
) -> None:
    _, challenge = pkce()
    params = {**authorize_params(tracker, challenge), "client_id": "no-such-app"}
    page = client_for(alice).get("/oauth/authorize/", params)
    assert page.status_code == 400
    assert b"can't be accepted" in page.content and b"Invalid client_id" in page.content
