"""Two-factor authentication (allauth.mfa): TOTP set-up and sign-in with a code,
sign-in with a recovery code, and Stint's rule that employer owners/admins and
platform admins set up a second factor before moving money or using the admin."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.contrib.staticfiles import finders
from django.test import Client

from stint.accounts import rules
from stint.accounts.models import User
from stint.applications import services as application_services
from stint.applications.models import Offer
from stint.engagements.models import Engagement
from stint.opportunities.models import Opportunity
from stint.orgs.models import Membership, Organisation
from stint.payments.models import ProviderAccount
from tests.engagements.conftest import (  # noqa: F401  (fixtures reused)
    acme_member,
    apply,
    engagement,
    esco_skills,
    frank,
    open_engagement,
    opportunity,
)
from tests.personas import PASSWORD, make_user

JSON = "application/json"
SETUP_URL = "/accounts/2fa/"


def code_now(secret: str) -> str:
    """The current TOTP code, by allauth's own HOTP math (what an authenticator app shows)."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def give_totp(user: User) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def sign_in(client: Client, email: str) -> Any:
    return client.post("/accounts/login/", {"login": email, "password": PASSWORD})


@pytest.fixture
def required(settings: Any) -> None:
    # the production default; tests/personas.py turns it off elsewhere
    settings.STINT_MFA_REQUIRED = True


# --- The rule, without a database ------------------------------------------------------------


def test_rule_requires_money_movers_and_platform_admins_only() -> None:
    def req(admin: bool = False, roles: tuple[str, ...] = (), enabled: bool = True) -> bool:
        return rules.mfa_required(enabled=enabled, is_platform_admin=admin, employer_roles=roles)

    assert req(roles=("owner",)) and req(roles=("admin",)) and req(admin=True)
    assert req(roles=("member", "owner"))
    assert not req() and not req(roles=("member",))
    assert not req(admin=True, roles=("owner",), enabled=False)
    assert rules.mfa_setup_missing(required=True, has_second_factor=False)
    assert not rules.mfa_setup_missing(required=True, has_second_factor=True)
    assert not rules.mfa_setup_missing(required=False, has_second_factor=False)


# --- TOTP set-up and sign-in -----------------------------------------------------------------


def test_totp_setup_then_sign_in_asks_for_a_code(bob: User) -> None:
    client = Client()
    assert sign_in(client, bob.email).status_code == 302
    # Reachable by clicking from account settings.
    settings_page = client.get("/account/settings/").content.decode()
    assert 'href="/accounts/2fa/"' in settings_page
    assert client.get(SETUP_URL).status_code == 200
    # Adding a factor asks for the password again first.
    ask = client.get("/accounts/2fa/totp/activate/")
    assert ask.status_code == 302 and ask["Location"].startswith("/accounts/reauthenticate/")
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200 and "data:image/svg+xml;base64," in page.content.decode()  # QR
    secret = client.session[SECRET_SESSION_KEY]
    wrong = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    if code_now(secret) != "000000":
        assert wrong.status_code == 200 and "code" in wrong.context["form"].errors
    assert not Authenticator.objects.filter(user=bob).exists()
    done = client.post("/accounts/2fa/totp/activate/", {"code": code_now(secret)})
    assert done.status_code == 302
    assert Authenticator.objects.filter(user=bob, type=Authenticator.Type.TOTP).exists()
    # Recovery codes come with the first factor.
    assert Authenticator.objects.filter(user=bob, type=Authenticator.Type.RECOVERY_CODES).exists()

    # A fresh sign-in: the password alone is not enough.
    fresh = Client()
    step = sign_in(fresh, bob.email)
    assert step.status_code == 302 and step["Location"] == "/accounts/2fa/authenticate/"
    assert fresh.get("/dashboard/").status_code == 302  # not signed in yet
    bad = fresh.post("/accounts/2fa/authenticate/", {"code": "12345"})
    assert bad.status_code == 200 and "_auth_user_id" not in fresh.session
    ok = fresh.post("/accounts/2fa/authenticate/", {"code": code_now(secret)})
    assert ok.status_code == 302 and ok["Location"] == "/dashboard/"
    assert fresh.session["_auth_user_id"] == str(bob.pk)


def test_sign_in_with_a_recovery_code_once(bob: User) -> None:
    give_totp(bob)
    codes = RecoveryCodes.activate(bob).get_unused_codes()
    assert len(codes) == 10
    client = Client()
    assert sign_in(client, bob.email)["Location"] == "/accounts/2fa/authenticate/"
    ok = client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert ok.status_code == 302 and client.session["_auth_user_id"] == str(bob.pk)
    # A used recovery code does not work a second time.
    again = Client()
    sign_in(again, bob.email)
    refused = again.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert refused.status_code == 200 and "_auth_user_id" not in again.session
    assert (
        codes[0]
        not in RecoveryCodes(
            Authenticator.objects.get(user=bob, type=Authenticator.Type.RECOVERY_CODES)
        ).get_unused_codes()
    )


def test_webauthn_is_offered_with_its_scripts_served_by_stint(bob: User) -> None:
    client = Client()
    sign_in(client, bob.email)
    page = client.get("/accounts/2fa/").content.decode()
    assert "/accounts/2fa/webauthn/" in page
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    add = client.get("/accounts/2fa/webauthn/add/")
    assert add.status_code == 200
    scripts = re.findall(r'<script[^>]*\ssrc="([^"]+)"', add.content.decode())
    assert "/static/mfa/js/webauthn.js" in scripts
    # Every script is Stint's own static file (no CDN), and it ships with allauth.
    for src in scripts:
        assert src.startswith("/static/"), src
        assert finders.find(src.removeprefix("/static/")), src


# --- The requirement: funding escrow (payment method on file) ---------------------------------


def test_owner_without_second_factor_is_sent_to_set_up_before_funding_page(
    required: None, bob: User, acme: Organisation, client_for: Callable[[User], Client]
) -> None:
    url = f"/payments/org/{acme.pk}/setup/"
    owner = client_for(bob)
    for answer in (owner.get(url), owner.post(url, {})):
        assert answer.status_code == 302 and answer["Location"] == SETUP_URL
    assert ProviderAccount.objects.count() == 0  # nothing happened
    settings_page = owner.get("/account/settings/").content.decode()
    assert "a second factor is required" in settings_page
    give_totp(bob)
    done = owner.post(url, {})
    assert done.status_code == 302 and done["Location"] == f"/orgs/{acme.pk}/"
    assert ProviderAccount.objects.count() == 1


def test_owner_without_second_factor_gets_403_from_funding_api(
    required: None, bob: User, acme: Organisation, api_for: Callable[[User], Client]
) -> None:
    url = f"/api/v1/orgs/{acme.pk}/payments/setup"
    api = api_for(bob)
    me = api.get("/api/v1/me").json()
    assert me["second_factor_required"] is True and me["has_second_factor"] is False
    refused = api.post(url, {}, content_type=JSON)
    assert refused.status_code == 403
    assert "two-factor authentication" in refused.json()["detail"]
    assert ProviderAccount.objects.count() == 0
    give_totp(bob)
    assert api.post(url, {}, content_type=JSON).status_code == 200
    assert api.get("/api/v1/me").json()["has_second_factor"] is True


def test_admin_of_employer_is_required_plain_member_is_not(
    required: None, acme: Organisation, client_for: Callable[[User], Client]
) -> None:
    admin_user = make_user("ada@acme.example")
    Membership.objects.create(organisation=acme, user=admin_user, role="admin")
    member = make_user("mo@acme.example")
    Membership.objects.create(organisation=acme, user=member, role="member")
    url = f"/payments/org/{acme.pk}/setup/"
    assert client_for(admin_user).get(url)["Location"] == SETUP_URL
    assert client_for(member).get(url).status_code == 403  # the usual refusal, not MFA


def test_requirement_can_be_switched_off(
    settings: Any, bob: User, acme: Organisation, client_for: Callable[[User], Client]
) -> None:
    settings.STINT_MFA_REQUIRED = False
    assert client_for(bob).get(f"/payments/org/{acme.pk}/setup/").status_code == 200


# --- The requirement: releasing or refunding escrow -------------------------------------------


def test_owner_cancelling_an_engagement_needs_a_second_factor_page_and_api(
    required: None,
    bob: User,
    engagement: Engagement,  # noqa: F811
    client_for: Callable[[User], Client],
    api_for: Callable[[User], Client],
) -> None:
    page = client_for(bob).post(
        f"/engagements/{engagement.pk}/cancel/", {"reason": "Plans changed"}
    )
    assert page.status_code == 302 and page["Location"] == SETUP_URL
    api = api_for(bob).post(
        f"/api/v1/engagements/{engagement.pk}/cancellation",
        {"reason": "Plans changed"},
        content_type=JSON,
    )
    assert api.status_code == 403 and "second factor" in api.json()["detail"]
    status = engagement.status
    engagement.refresh_from_db()
    assert engagement.status == status


def test_owner_sending_an_offer_that_funds_escrow_needs_a_second_factor(
    required: None,
    alice: User,
    bob: User,
    opportunity: Opportunity,  # noqa: F811
    client_for: Callable[[User], Client],
    api_for: Callable[[User], Client],
) -> None:
    application = apply(alice, opportunity)
    application_services.application_shortlist(actor=bob, application_id=application.pk)
    page = client_for(bob).post(
        f"/applications/{application.pk}/offer/", {"fee": "500", "confirm": "yes"}
    )
    assert page.status_code == 302 and page["Location"] == SETUP_URL
    url = f"/api/v1/applications/{application.pk}/offers"
    refused = api_for(bob).post(url, {}, content_type=JSON)
    assert refused.status_code == 403 and "second factor" in refused.json()["detail"]
    assert not Offer.objects.exists()
    give_totp(bob)
    assert api_for(bob).post(url, {}, content_type=JSON).status_code == 201
    assert Offer.objects.count() == 1


def test_every_money_moving_api_operation_asks_for_the_second_factor(
    required: None,
    bob: User,
    root: User,
    engagement: Engagement,  # noqa: F811
    api_for: Callable[[User], Client],
) -> None:
    base = f"/api/v1/engagements/{engagement.pk}"
    calls = [
        (bob, f"{base}/approval", {"comments": ""}),
        (bob, f"{base}/split-proposals", {"to_candidate_minor": 1000, "note": "x"}),
        (bob, f"{base}/split-proposals/1/acceptance", None),
        (root, f"{base}/dispute/resolution", {"to_candidate_minor": 0, "resolution": "x"}),
    ]
    for user, url, body in calls:
        answer = api_for(user).post(url, body or {}, content_type=JSON)
        assert answer.status_code == 403, url
        assert "two-factor authentication" in answer.json()["detail"], url
    give_totp(bob)
    # With a second factor the operation's own rules answer (no submission to approve yet).
    assert api_for(bob).post(f"{base}/approval", {}, content_type=JSON).status_code != 403


def test_candidate_is_not_required_to_set_up_a_second_factor(
    required: None,
    alice: User,
    engagement: Engagement,  # noqa: F811
    client_for: Callable[[User], Client],
    api_for: Callable[[User], Client],
) -> None:
    assert api_for(alice).get("/api/v1/me").json()["second_factor_required"] is False
    settings_page = client_for(alice).get("/account/settings/").content.decode()
    assert "Set up two-factor authentication" in settings_page
    assert "a second factor is required" not in settings_page
    answer = api_for(alice).post(
        f"/api/v1/engagements/{engagement.pk}/cancellation",
        {"reason": "I cannot do it after all"},
        content_type=JSON,
    )
    assert answer.status_code == 200, answer.content
    engagement.refresh_from_db()
    assert engagement.status == "cancelled"


def test_institution_staff_are_not_required(
    required: None, dana: User, uni: Organisation, api_for: Callable[[User], Client]
) -> None:
    assert api_for(dana).get("/api/v1/me").json()["second_factor_required"] is False


# --- The requirement: the Django admin --------------------------------------------------------


def test_platform_admin_needs_a_second_factor_for_the_admin_site(
    required: None, root: User, client_for: Callable[[User], Client]
) -> None:
    admin = client_for(root)
    first = admin.get("/admin/")
    assert first.status_code == 302 and first["Location"] == SETUP_URL
    assert admin.get("/admin/accounts/user/").status_code == 302
    give_totp(root)
    assert admin.get("/admin/").status_code == 200


def test_admin_login_form_goes_through_allauth(db: None) -> None:
    answer = Client().get("/admin/login/?next=/admin/")
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")
