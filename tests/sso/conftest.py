from __future__ import annotations

import http.client
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from stint.accounts.models import User
from stint.orgs.models import InstitutionDomain, Organisation
from stint.sso.models import InstitutionSignOn
from stint.sso.services import SignOnInput, sign_on_save
from tests.sso.idp import CLIENT_ID, CLIENT_SECRET, LoopbackIdP


@pytest.fixture
def idp() -> Iterator[LoopbackIdP]:
    with LoopbackIdP() as server:
        yield server


@pytest.fixture
def uni_domain(uni: Organisation) -> InstitutionDomain:
    return InstitutionDomain.objects.create(
        organisation=uni, domain="uni.example.edu", verified_at=timezone.now()
    )


@pytest.fixture
def uni_oidc(
    uni: Organisation, dana: User, uni_domain: InstitutionDomain, idp: LoopbackIdP
) -> InstitutionSignOn:
    return sign_on_save(
        actor=dana,
        institution_id=uni.pk,
        data=SignOnInput(
            protocol="oidc",
            issuer_url=idp.base,
            client_id=CLIENT_ID,
            secret=CLIENT_SECRET,
            email_claim="email",
            name_claim="name",
            programme_claim="https://uni.example.edu/programme",
            graduation_year_claim="grad_year",
        ),
    )


def _idp_redirect(url: str) -> str:
    """Ask the IdP's authorize endpoint (as the browser would) and return where it sends us."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request("GET", f"{parts.path}?{parts.query}")
    response = conn.getresponse()
    response.read()
    conn.close()
    assert response.status == 302, response.status
    return str(response.getheader("Location"))


def sign_in_through(client: Client, sign_on: InstitutionSignOn) -> Any:
    """The whole redirect flow: Stint → IdP → Stint's callback; returns the callback's answer."""
    start = client.post(f"/accounts/oidc/{sign_on.app.provider_id}/login/")
    assert start.status_code == 302, start.content[:500]
    back = urlsplit(_idp_redirect(start["Location"]))
    assert back.path == f"/accounts/oidc/{sign_on.app.provider_id}/login/callback/"
    return client.get(f"{back.path}?{back.query}")
