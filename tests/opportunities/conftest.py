"""Fixtures for opportunities: a verified Acme, a posting factory built through
the real service, and a candidate affiliated with the institution."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from stint.accounts.models import User
from stint.opportunities import services
from stint.opportunities.models import Opportunity
from stint.orgs.models import Affiliation, Organisation
from tests.personas import make_user

SQL = "598de5b0-5b58-4ea7-8058-a4bc4d18c742"
PYTHON = "ccd0a1d9-afda-43d9-b901-96344886e14d"

SUMMARY = (
    "We are a small online shop and want to understand which customers stop buying. "
    "You will work with our order export and build a simple view our team can use "
    "every week to spot customers at risk."
)


def posting(**changes: Any) -> services.Posting:
    today = timezone.localdate()
    base = services.Posting(
        title="Build a churn dashboard for our shop",
        summary=SUMMARY,
        deliverables="- A cleaned CSV of last year's orders\n- A dashboard of churn by month",
        industry="Retail",
        estimated_hours=10,
        fee_minor=50000,  # 500.00 USD for 10 h = 50/h
        currency="USD",
        apply_by=today + timedelta(days=7),
        start_date=today + timedelta(days=10),
        due_date=today + timedelta(days=30),
        skills=(services.SkillNeed(SQL, "essential", 2), services.SkillNeed(PYTHON, "nice", 1)),
        questions=(services.Question("Which tools have you used?"),),
    )
    return replace(base, **changes)


@pytest.fixture
def acme(bob: User) -> Organisation:
    """Acme, verified so that it may publish."""
    from stint.orgs.services import organisation_create

    org = organisation_create(actor=bob, kind="employer", name="Acme")
    org.verified_at = timezone.now()
    org.save(update_fields=["verified_at"])
    return org


@pytest.fixture
def make_opportunity(bob: User, acme: Organisation) -> Callable[..., Opportunity]:
    def make(
        *,
        publish: bool = True,
        actor: User | None = None,
        org: Organisation | None = None,
        **changes: Any,
    ) -> Opportunity:
        opportunity = services.opportunity_create(
            actor=actor or bob, organisation_id=(org or acme).pk, posting=posting(**changes)
        )
        if publish:
            opportunity = services.opportunity_publish(
                actor=actor or bob, opportunity_id=opportunity.pk
            )
        return opportunity

    return make


@pytest.fixture
def opportunity(make_opportunity: Callable[..., Opportunity]) -> Opportunity:
    return make_opportunity()


@pytest.fixture
def student(uni: Organisation) -> User:
    """A candidate affiliated with Uni of Testing."""
    user = make_user("sam@uni.example.edu", candidate=True, name="Sam Student")
    Affiliation.objects.create(user=user, institution=uni, email=user.email)
    return user


def future(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)
