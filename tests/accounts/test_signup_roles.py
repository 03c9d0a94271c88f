"""Issue 14 item 4: the role chosen at sign-up leads to its first step — an
employer to create an organisation and then request verification, career-services
staff to an institution organisation (the form defaults to Institution), a
candidate to building a profile."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from stint.orgs.models import Organisation
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


def sign_up_and_confirm(email: str, joining_as: str) -> tuple[Client, str]:
    client = Client()
    r = client.post(
        "/accounts/signup/",
        {
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "full_name": "New Person",
            "joining_as": joining_as,
        },
    )
    assert r.status_code == 302
    message = next(m for m in reversed(mail.outbox) if email in m.to)
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body)
    assert match
    confirmed = client.post(match.group(1))  # logs in (ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION)
    assert confirmed.status_code == 302
    return client, confirmed["Location"]


def test_employer_goes_to_create_an_organisation_then_to_verification() -> None:
    client, where = sign_up_and_confirm("boss@corp.example", "employer")
    assert where == "/orgs/new/?kind=employer"
    form = client.get(where).content.decode()
    assert re.search(r'value="employer"[^>]*checked|value="employer"[^>]*selected', form)
    r = client.post(
        "/orgs/new/",
        {"name": "Corp", "kind": "employer", "website": "https://corp.example"},
        follow=True,
    )
    org = Organisation.objects.get(name="Corp")
    assert f'href="/moderation/verification/{org.pk}/"'.encode() in r.content
    # With an organisation, the next sign-in goes to the dashboard, which links there too.
    client.logout()
    client.post("/accounts/login/", {"login": "boss@corp.example", "password": PASSWORD})
    page = client.get("/dashboard/")
    assert f'href="/moderation/verification/{org.pk}/"'.encode() in page.content


def test_career_services_staff_get_an_institution_form() -> None:
    client, where = sign_up_and_confirm("staff@uni.example", "institution")
    assert where == "/orgs/new/?kind=institution"
    form = client.get("/orgs/new/").content.decode()  # even without the query string
    assert re.search(r'value="institution"[^>]*checked|value="institution"[^>]*selected', form)
    page = client.get("/dashboard/").content.decode()
    assert "Create your institution" in page and "become a candidate" not in page


def test_candidate_goes_to_build_a_profile() -> None:
    _, where = sign_up_and_confirm("newbie@example.com", "candidate")
    assert where == "/profile/edit/"
