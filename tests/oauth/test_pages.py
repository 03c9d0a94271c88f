"""Developer pages (Your apps, Authorised apps), the MFA step before consent, and
who may see or change an app."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.test import Client
from oauth2_provider.models import AccessToken, Application

from stint.accounts.models import User
from stint.audit.models import AuditEntry
from stint.orgs.models import Organisation
from tests.oauth.conftest import App, authorize_params, bearer, pkce, tokens_for

pytestmark = pytest.mark.django_db
Browser = Callable[[User | None], Client]


def test_register_an_app_from_account_settings_and_see_the_secret_once(
    eve: User, client_for: Browser
) -> None:
    browser = client_for(eve)
    settings_page = browser.get("/account/settings/")
    assert b'href="/oauth/apps/"' in settings_page.content
    assert b'href="/oauth/authorised/"' in settings_page.content
    made = browser.post(
        "/oauth/apps/",
        {
            "name": "Payroll sync",
            "redirect_uris": "https://payroll.example/cb\nhttp://127.0.0.1/cb",
            "client_type": "confidential",
        },
    )
    assert made.status_code == 200
    app = Application.objects.get(user=eve)
    assert app.name == "Payroll sync"
    assert app.redirect_uris == "https://payroll.example/cb http://127.0.0.1/cb"
    shown = re.search(rb'id="client-secret">([^<]+)<', made.content)
    assert shown is not None
    secret = shown.group(1).decode()
    assert app.client_secret != secret  # only a hash is kept
    # The secret works once copied: it authenticates the app at the introspection endpoint.
    answer = Client().post(
        "/oauth/introspect/", {"token": "x", "client_id": app.client_id, "client_secret": secret}
    )
    assert answer.status_code == 200 and answer.json() == {"active": False}
    again = browser.get("/oauth/apps/")
    assert secret.encode() not in again.content and app.client_id.encode() in again.content
    assert AuditEntry.objects.filter(action="oauth_app.registered", actor=eve).count() == 1


def test_a_public_app_gets_no_secret(eve: User, client_for: Browser) -> None:
    made = client_for(eve).post(
        "/oauth/apps/",
        {"name": "Phone app", "redirect_uris": "http://127.0.0.1/cb", "client_type": "public"},
    )
    assert b'id="client-secret"' not in made.content
    assert Application.objects.get(user=eve).client_type == "public"


def test_bad_registration_names_the_fields(eve: User, client_for: Browser) -> None:
    page = client_for(eve).post(
        "/oauth/apps/",
        {"name": "Bad", "redirect_uris": "ftp://files.example/cb", "client_type": "confidential"},
    )
    assert page.status_code == 200
    assert page.context["form"].errors.get("redirect_uris")
    assert not Application.objects.exists()


def test_edit_and_delete_an_app_ends_its_tokens(
    eve: User, alice: User, tracker: App, client_for: Browser
) -> None:
    got = tokens_for(client_for(alice), tracker)
    browser = client_for(eve)
    edited = browser.post(
        f"/oauth/apps/{tracker.pk}/",
        {"name": "Tracker 2", "redirect_uris": "https://tracker.example/callback"},
    )
    assert edited.status_code == 302
    assert Application.objects.get(pk=tracker.pk).name == "Tracker 2"
    deleted = browser.post(f"/oauth/apps/{tracker.pk}/delete/")
    assert deleted.status_code == 302
    assert not Application.objects.filter(pk=tracker.pk).exists()
    assert bearer(got["access_token"]).get("/api/v1/notifications").status_code == 401
    assert AuditEntry.objects.filter(action="oauth_app.deleted", actor=eve).count() == 1


def test_another_persons_app_is_invisible_and_cannot_be_changed(
    alice: User, tracker: App, client_for: Browser
) -> None:
    browser = client_for(alice)
    assert browser.get("/oauth/apps/").content.count(b"Tracker ATS") == 0
    assert browser.get(f"/oauth/apps/{tracker.pk}/").status_code == 404
    changed = browser.post(
        f"/oauth/apps/{tracker.pk}/", {"name": "Mine now", "redirect_uris": "https://evil.example/"}
    )
    assert changed.status_code == 404
    assert browser.post(f"/oauth/apps/{tracker.pk}/delete/").status_code == 404
    app = Application.objects.get(pk=tracker.pk)
    assert app.name == "Tracker ATS" and app.redirect_uris == "https://tracker.example/callback"


def test_authorised_apps_lists_and_revokes_a_grant(
    alice: User, carol: User, tracker: App, client_for: Browser
) -> None:
    got = tokens_for(client_for(alice), tracker, scope="read profile")
    browser = client_for(alice)
    page = browser.get("/oauth/authorised/")
    assert b"Tracker ATS" in page.content and b"<code>profile</code>" in page.content
    # Someone else cannot revoke alice's grant (they have none of their own): 404.
    assert client_for(carol).post(f"/oauth/authorised/{tracker.pk}/revoke/").status_code == 404
    assert bearer(got["access_token"]).get("/api/v1/notifications").status_code == 200
    revoked = browser.post(f"/oauth/authorised/{tracker.pk}/revoke/")
    assert revoked.status_code == 302
    assert bearer(got["access_token"]).get("/api/v1/notifications").status_code == 401
    assert browser.get("/oauth/authorised/").context["authorised"] == []
    entry = AuditEntry.objects.get(action="oauth_grant.revoked")
    assert entry.actor == alice and entry.target_id == str(tracker.pk)


def test_signed_out_people_are_sent_to_sign_in_first(tracker: App) -> None:
    _, challenge = pkce()
    page = Client().get("/oauth/authorize/", authorize_params(tracker, challenge))
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")
    assert Client().get("/oauth/apps/").status_code == 302


# --- MFA before consent ------------------------------------------------------------------------


@pytest.fixture
def mfa_on(settings: Any) -> None:
    settings.STINT_MFA_REQUIRED = True


def _code_now(secret: str) -> str:
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def test_owner_without_second_factor_is_sent_to_set_one_up(
    mfa_on: None, bob: User, acme: Organisation, tracker: App, client_for: Browser
) -> None:
    _, challenge = pkce()
    page = client_for(bob).get("/oauth/authorize/", authorize_params(tracker, challenge))
    assert page.status_code == 302 and page["Location"] == "/accounts/2fa/"


def test_owner_with_second_factor_confirms_it_before_the_consent_page(
    mfa_on: None, bob: User, acme: Organisation, tracker: App, client_for: Browser
) -> None:
    secret = generate_totp_secret()
    TOTP.activate(bob, secret)
    browser = client_for(bob)  # a session that never used the second factor
    _, challenge = pkce()
    params = authorize_params(tracker, challenge)
    url = "/oauth/authorize/?" + urlencode(params)
    page = browser.get(url)
    assert page.status_code == 302
    assert page["Location"] == "/accounts/2fa/reauthenticate/?" + urlencode({"next": url})
    # Allowing without the step is refused the same way: no code is issued.
    posted = browser.post("/oauth/authorize/", {**params, "allow": "Authorize"})
    assert posted.status_code == 302 and posted["Location"].startswith("/accounts/2fa/reauth")
    assert not AccessToken.objects.exists()
    done = browser.post(page["Location"], {"code": _code_now(secret)})
    assert done.status_code == 302 and done["Location"] == url
    consent = browser.get(url)
    assert consent.status_code == 200 and b"Tracker ATS" in consent.content


def test_candidates_go_straight_to_consent(
    mfa_on: None, alice: User, tracker: App, client_for: Browser
) -> None:
    _, challenge = pkce()
    page = client_for(alice).get("/oauth/authorize/", authorize_params(tracker, challenge))
    assert page.status_code == 200
