from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client

from stint.accounts.models import User
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


def _signup(client: Client, email: str, joining_as: str = "candidate") -> None:
    response = client.post(
        "/accounts/signup/",
        {
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "full_name": "New Person",
            "joining_as": joining_as,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def _confirmation_link(email: str) -> str:
    message = next(m for m in reversed(mail.outbox) if email in m.to)
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_sign_up_verify_email_then_see_the_candidate_dashboard() -> None:
    client = Client()
    _signup(client, "newbie@example.com")
    user = User.objects.get(email="newbie@example.com")
    assert user.is_candidate and user.full_name == "New Person"
    # Not verified yet: logging in is held at the verification step.
    fresh = Client()
    fresh.post("/accounts/login/", {"login": "newbie@example.com", "password": PASSWORD})
    assert fresh.get("/dashboard/").status_code == 302

    link = _confirmation_link("newbie@example.com")
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    assert user.emailaddress_set.get().verified

    client = Client()
    response = client.post(
        "/accounts/login/", {"login": "newbie@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    page = client.get("/dashboard/")
    assert page.status_code == 200
    assert b'id="candidate-dashboard"' in page.content


def test_sign_up_with_a_taken_address_reveals_nothing_and_warns_the_owner(alice: User) -> None:
    # allauth's enumeration protection: the page looks like success, no second
    # account is made, and the address's owner is told by email.
    mail.outbox.clear()
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {
            "email": "ALICE@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "joining_as": "candidate",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="alice@example.com").count() == 1
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    assert "already" in mail.outbox[0].body.lower()


def test_weak_password_is_refused_next_to_the_field() -> None:
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {
            "email": "weak@example.com",
            "password1": "123",
            "password2": "123",
            "joining_as": "candidate",
        },
    )
    assert response.status_code == 200
    assert b"too short" in response.content.lower()
    assert not User.objects.filter(email="weak@example.com").exists()


def test_employer_sign_up_is_sent_to_create_an_organisation() -> None:
    client = Client()
    _signup(client, "boss@corp.example", joining_as="employer")
    user = User.objects.get(email="boss@corp.example")
    assert not user.is_candidate
    link = _confirmation_link("boss@corp.example")
    client.post(link)
    client.force_login(user)
    page = client.get("/dashboard/")
    assert b"create your employer organisation, then request verification" in page.content.lower()


def test_login_and_logout(alice: User) -> None:
    client = Client()
    assert (
        client.post(
            "/accounts/login/", {"login": "alice@example.com", "password": PASSWORD}
        ).status_code
        == 302
    )
    assert client.get("/dashboard/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/dashboard/").status_code == 302


def test_failed_logins_are_rate_limited(alice: User) -> None:
    client = Client()
    statuses = []
    for _ in range(7):
        r = client.post(
            "/accounts/login/", {"login": "alice@example.com", "password": "wrong-password-1"}
        )
        statuses.append(r.status_code)
    # After 5 failures for this login the 6th attempt is refused even with the right password.
    r = client.post("/accounts/login/", {"login": "alice@example.com", "password": PASSWORD})
    assert r.status_code in {200, 429}
    assert client.get("/dashboard/").status_code == 302


def test_password_change_and_reset(alice: User) -> None:
    client = Client()
    client.force_login(alice)
    r = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-long-passphrase-9",
            "password2": "a-new-long-passphrase-9",
        },
    )
    assert r.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("a-new-long-passphrase-9")

    mail.outbox.clear()
    r = Client().post("/accounts/password/reset/", {"email": "alice@example.com"})
    assert r.status_code == 302
    assert any(
        "alice@example.com" in m.to and "/accounts/password/reset/key/" in m.body
        for m in mail.outbox
    )


def test_passwords_are_hashed_with_argon2_in_the_real_settings(alice: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = django_settings.PASSWORD_HASHERS  # the module's own list
    from stint.config import settings as module

    assert module.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    settings.PASSWORD_HASHERS = module.PASSWORD_HASHERS
    alice.set_password("another-long-passphrase")
    assert alice.password.startswith("argon2")


def test_roles_follow_memberships_and_flags(
    alice: User, bob: User, acme, dana: User, uni, root: User
) -> None:  # type: ignore[no-untyped-def]
    assert alice.roles == {"candidate"}
    assert User.objects.get(pk=bob.pk).roles == {"employer"}
    assert User.objects.get(pk=dana.pk).roles == {"institution"}
    assert "admin" in User.objects.get(pk=root.pk).roles


def test_admin_site_is_for_platform_admins_only(alice: User, root: User, client_for) -> None:  # type: ignore[no-untyped-def]
    assert client_for(alice).get("/admin/").status_code == 302
    assert client_for(root).get("/admin/").status_code == 200
