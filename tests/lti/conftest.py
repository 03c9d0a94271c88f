"""Fixtures: Uni of Testing (dana, staff) with a verified domain, its registered
learning platform, and the simulated LMS behind it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from stint.accounts.models import User
from stint.lti import services
from stint.lti.models import Platform
from stint.orgs.models import InstitutionDomain, Organisation
from tests.lti import platform as sim


@pytest.fixture(autouse=True)
def site_url(settings: Any) -> None:
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def uni_domain(uni: Organisation) -> InstitutionDomain:
    return InstitutionDomain.objects.create(
        organisation=uni, domain="uni.example.edu", verified_at=timezone.now()
    )


@pytest.fixture
def lms(db: None) -> Iterator[sim.SimulatedPlatform]:
    lms = sim.SimulatedPlatform(django=Client())
    yield lms
    lms.close()


@pytest.fixture
def platform(uni: Organisation, dana: User, uni_domain: InstitutionDomain) -> Platform:
    return services.platform_register(
        actor=dana,
        institution_id=uni.pk,
        name="Canvas",
        issuer=sim.ISSUER,
        client_id=sim.CLIENT_ID,
        deployment_ids=[sim.DEPLOYMENT],
        auth_login_url=sim.AUTH_URL,
        auth_token_url=sim.TOKEN_URL,
        key_set_url=sim.JWKS_URL,
    )
