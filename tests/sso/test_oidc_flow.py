"""Signing in through an institution's OpenID Connect IdP, end to end against a real
IdP on loopback (tests/sso/idp.py): the browser's redirects are followed by hand."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.test import Client

from stint.accounts.models import User
from stint.orgs.models import Affiliation, Organisation
from stint.sso.models import InstitutionIdentity, InstitutionSignOn
from tests.personas import make_user
from tests.sso.conftest import sign_in_through
from tests.sso.idp import LoopbackIdP

pytestmark = pytest.mark.django_db

STUDENT = {
    "sub": "u-1001",
    "email": "sam@uni.example.edu",
    "email_verified": True,
    "name": "Sam Student",
    "https://uni.example.edu/programme": "BSc Computer Science",
    "grad_year": "2027",
}


def _signed_in_as(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.filter(pk=user_id).first() if user_id else None


def test_it_signs_up_a_new_student_and_links_them_to_the_institution(
    idp: LoopbackIdP, uni_oidc: InstitutionSignOn, uni: Organisation
) -> None:
    idp.next_claims = STUDENT
    client = Client()
    answer = sign_in_through(client, uni_oidc)
    assert answer.status_code == 302
    user = _signed_in_as(client)
    assert user is not None and user.email == "sam@uni.example.edu"
    assert user.full_name == "Sam Student" and user.is_candidate
    assert EmailAddress.objects.get(user=user).verified
    assert Affiliation.objects.filter(user=user, institution=uni).exists()
    identity = InstitutionIdentity.objects.get(user=user, institution=uni)
    assert (identity.subject, identity.programme, identity.graduation_year) == (
        "u-1001",
        "BSc Computer Science",
        2027,
    )
    # The client authenticated at the token endpoint with its secret.
    assert idp.token_requests and idp.token_requests[0]["grant_type"] == ["authorization_code"]


def test_it_signs_the_same_student_in_again_into_the_same_account(
    idp: LoopbackIdP, uni_oidc: InstitutionSignOn
) -> None:
    idp.next_claims = STUDENT
    sign_in_through(Client(), uni_oidc)
    idp.next_claims = {**STUDENT, "grad_year": "2028"}
    client = Client()
    sign_in_through(client, uni_oidc)
    assert User.objects.filter(email="sam@uni.example.edu").count() == 1
    user = _signed_in_as(client)
    assert user is not None
    assert InstitutionIdentity.objects.get(user=user).graduation_year == 2028


def test_it_opens_an_existing_verified_account_in_the_institutions_domain(
    idp: LoopbackIdP, uni_oidc: InstitutionSignOn, uni: Organisation
) -> None:
    sam = make_user("sam@uni.example.edu", candidate=True, name="Sam")
    idp.next_claims = STUDENT
    client = Client()
    sign_in_through(client, uni_oidc)
    assert _signed_in_as(client) == sam
    assert SocialAccount.objects.filter(user=sam, uid="u-1001").exists()
    assert User.objects.count() == 2  # dana and sam: no second account
    assert Affiliation.objects.filter(user=sam, institution=uni).exists()


@pytest.mark.parametrize(
    "victim_email",
    [
        "victim@gmail.example",  # outside the institution's domains
        "victim@other-uni.example.org",  # another institution's address
    ],
)
def test_an_idp_asserting_someone_elses_email_does_not_take_over_their_account(
    idp: LoopbackIdP, uni_oidc: InstitutionSignOn, victim_email: str
) -> None:
    victim = make_user(victim_email, candidate=True, name="Victim")
    password = victim.password
    idp.next_claims = {**STUDENT, "sub": "attacker", "email": victim_email, "email_verified": True}
    client = Client()
    answer = sign_in_through(client, uni_oidc)
    assert _signed_in_as(client) is None
    # allauth (preventing enumeration) answers as if it sent a confirmation, and mails
    # the address's holder that someone tried to sign up with it.
    assert answer.status_code == 302 and answer["Location"] == "/accounts/confirm-email/"
    assert [m.to for m in mail.outbox] == [[victim_email]]
    assert not SocialAccount.objects.filter(user=victim).exists()
    victim.refresh_from_db()
    assert victim.password == password and victim.has_usable_password()
    assert User.objects.filter(email__iexact=victim_email).count() == 1


def test_an_unverified_account_in_the_domain_is_not_taken_over(
    idp: LoopbackIdP, uni_oidc: InstitutionSignOn
) -> None:
    # Someone signed up with the student's address and never proved it.
    squatter = User.objects.create_user(email="sam@uni.example.edu", password="pw-squatter-1")
    EmailAddress.objects.create(user=squatter, email=squatter.email, verified=False, primary=True)
    idp.next_claims = STUDENT
    client = Client()
    sign_in_through(client, uni_oidc)
    assert _signed_in_as(client) is None
    assert not SocialAccount.objects.filter(user=squatter).exists()


def test_a_switched_off_sign_on_signs_nobody_in(
    idp: LoopbackIdP, uni_oidc: InstitutionSignOn
) -> None:
    idp.next_claims = STUDENT
    sign_in_through(Client(), uni_oidc)  # Sam has an account through it
    InstitutionSignOn.objects.filter(pk=uni_oidc.pk).update(enabled=False)
    client = Client()
    answer = sign_in_through(client, uni_oidc)
    assert answer.status_code == 403 and b"switched off" in answer.content
    assert _signed_in_as(client) is None
    idp.next_claims = {**STUDENT, "sub": "u-new", "email": "new@uni.example.edu"}
    assert sign_in_through(Client(), uni_oidc).status_code == 403
    assert not User.objects.filter(email="new@uni.example.edu").exists()


@pytest.mark.parametrize("spoil", ["signature", "audience", "expired"])
def test_a_bad_id_token_is_refused(
    idp: LoopbackIdP, uni_oidc: InstitutionSignOn, spoil: str
) -> None:
    users_before = User.objects.count()
    idp.next_claims = STUDENT
    idp.spoil = spoil
    client = Client()
    answer = sign_in_through(client, uni_oidc)
    assert _signed_in_as(client) is None
    assert answer.status_code == 401  # allauth's "sign-in failed" page
    assert b"Third-Party Login Failure" in answer.content
    assert User.objects.count() == users_before
    assert not SocialAccount.objects.exists()
    assert not InstitutionIdentity.objects.exists()
