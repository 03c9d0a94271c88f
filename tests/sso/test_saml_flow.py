"""Signing in through an institution's SAML 2.0 IdP, end to end against a real IdP on
loopback (tests/sso/saml_idp.py): metadata fetched from it, AuthnRequest by redirect,
signed Response posted back to the ACS."""

from __future__ import annotations

import http.client
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.utils import timezone

from stint.accounts.models import User
from stint.orgs.models import Affiliation, InstitutionDomain, Organisation
from stint.sso.models import InstitutionIdentity, InstitutionSignOn
from stint.sso.services import SignOnInput, sign_on_save
from tests.personas import make_user
from tests.sso.saml_idp import DISPLAY_NAME, MAIL, LoopbackSamlIdP

pytestmark = pytest.mark.django_db

# Browsers send Host and python3-saml reads it (a dotted name: it refuses "testserver").
HOST = "stint.test.example"
PROGRAMME = "urn:example:programme"
GRAD_YEAR = "urn:example:graduationYear"


@pytest.fixture
def saml_idp() -> Iterator[LoopbackSamlIdP]:
    with LoopbackSamlIdP() as server:
        server.next_attributes = {
            MAIL: "kim@uni.example.edu",
            DISPLAY_NAME: "Kim Student",
            PROGRAMME: "MSc Data Science",
            GRAD_YEAR: "2026",
        }
        yield server


@pytest.fixture
def uni_saml(
    uni: Organisation, dana: User, saml_idp: LoopbackSamlIdP, settings: Any
) -> InstitutionSignOn:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]
    InstitutionDomain.objects.create(
        organisation=uni, domain="uni.example.edu", verified_at=timezone.now()
    )
    return sign_on_save(
        actor=dana,
        institution_id=uni.pk,
        data=SignOnInput(
            protocol="saml",
            entity_id=saml_idp.entity_id,
            metadata_url=f"{saml_idp.base}/metadata",
            email_claim=MAIL,
            name_claim=DISPLAY_NAME,
            programme_claim=PROGRAMME,
            graduation_year_claim=GRAD_YEAR,
        ),
    )


def _saml_sign_in(client: Client, sign_on: InstitutionSignOn) -> Any:
    start = client.post(f"/accounts/saml/{sign_on.app.client_id}/login/")
    assert start.status_code == 302, start.content[:300]
    parts = urlsplit(start["Location"])
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request("GET", f"{parts.path}?{parts.query}")
    page = conn.getresponse().read().decode()
    conn.close()
    action = re.search(r'action="([^"]+)"', page)
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page))
    assert action is not None
    acs = urlsplit(action.group(1))
    posted = client.post(acs.path, fields)
    assert posted.status_code == 302
    return client.get(posted["Location"])


def _signed_in_as(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.filter(pk=user_id).first() if user_id else None


def test_it_signs_up_a_student_through_saml_and_links_them(
    saml_idp: LoopbackSamlIdP, uni_saml: InstitutionSignOn, uni: Organisation
) -> None:
    client = Client(HTTP_HOST=HOST)
    answer = _saml_sign_in(client, uni_saml)
    assert answer.status_code == 302, answer.content[:2000]
    user = _signed_in_as(client)
    assert user is not None and user.email == "kim@uni.example.edu"
    assert user.full_name == "Kim Student"
    assert Affiliation.objects.filter(user=user, institution=uni).exists()
    identity = InstitutionIdentity.objects.get(user=user)
    assert (identity.subject, identity.programme, identity.graduation_year) == (
        "u-2001",
        "MSc Data Science",
        2026,
    )


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        ("tampered", "Signature validation failed"),
        ("audience", "is not a valid audience"),
        ("expired", "Could not validate timestamp: expired"),
    ],
)
def test_a_bad_saml_response_is_refused(
    saml_idp: LoopbackSamlIdP,
    uni_saml: InstitutionSignOn,
    spoil: str,
    reason: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    users_before = User.objects.count()
    saml_idp.spoil = spoil
    client = Client(HTTP_HOST=HOST)
    answer = _saml_sign_in(client, uni_saml)
    assert _signed_in_as(client) is None
    assert b"Third-Party Login Failure" in answer.content
    assert User.objects.count() == users_before
    assert not SocialAccount.objects.exists() and not InstitutionIdentity.objects.exists()
    assert reason in caplog.text  # refused for that reason, not another


def test_a_saml_idp_asserting_someone_elses_email_does_not_take_over_their_account(
    saml_idp: LoopbackSamlIdP, uni_saml: InstitutionSignOn
) -> None:
    victim = make_user("victim@gmail.example", candidate=True)
    saml_idp.next_subject = "attacker"
    saml_idp.next_attributes = {**saml_idp.next_attributes, MAIL: "victim@gmail.example"}
    client = Client(HTTP_HOST=HOST)
    _saml_sign_in(client, uni_saml)
    assert _signed_in_as(client) is None
    assert not SocialAccount.objects.filter(user=victim).exists()
    assert User.objects.filter(email="victim@gmail.example").count() == 1
