"""Fixtures for reviews: engagements made directly with the ORM (approved or paid),
so these tests do not depend on the engagement workflow services."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from stint.accounts.models import User
from stint.applications.models import Application, Offer
from stint.engagements.models import Engagement
from stint.matching.engine import search_skills
from stint.opportunities.models import Opportunity, RequiredSkill
from stint.orgs.models import Membership, Organisation
from tests.personas import make_user


@pytest.fixture(scope="session")
def skills() -> list[dict[str, str]]:
    python = search_skills("python")[0]
    sql = search_skills("SQL")[0]
    return [python, sql]


def make_opportunity(
    employer: Organisation,
    creator: User,
    skills: list[dict[str, str]],
    *,
    title: str = "Data cleanup",
) -> Opportunity:
    now = timezone.now()
    opportunity = Opportunity.objects.create(
        employer=employer,
        created_by=creator,
        title=title,
        summary="Clean and de-duplicate our customer list with Python.",
        deliverables="A cleaned CSV and a note.",
        estimated_hours=10,
        fee_minor=50_000,
        currency="USD",
        status="published",
        published_at=now - timedelta(days=3),
    )
    for i, s in enumerate(skills):
        RequiredSkill.objects.create(
            opportunity=opportunity,
            skill_id=s["id"],
            label=s["label"],
            need="essential" if i == 0 else "nice",
        )
    return opportunity


def make_engagement(
    opportunity: Opportunity,
    candidate: User,
    *,
    status: str = "approved",
    approved_at: datetime | None = None,
    paid_at: datetime | None = None,
    fee_minor: int = 50_000,
) -> Engagement:
    now = timezone.now()
    application = Application.objects.create(
        opportunity=opportunity, candidate=candidate, status="accepted"
    )
    offer = Offer.objects.create(
        application=application,
        fee_minor=fee_minor,
        currency=opportunity.currency,
        scope=opportunity.summary,
        expires_at=now + timedelta(days=5),
        status="accepted",
        decided_at=now,
    )
    fields: dict[str, Any] = {}
    if status in ("approved", "paid", "resolved"):
        fields["approved_at"] = approved_at or now
    if status in ("paid", "resolved"):
        fields["paid_at"] = paid_at or now
        if any(f.name == "released_minor" for f in Engagement._meta.get_fields()):
            fields["released_minor"] = fee_minor
    return Engagement.objects.create(
        application=application,
        offer=offer,
        opportunity=opportunity,
        candidate=candidate,
        employer=opportunity.employer,
        status=status,
        title=opportunity.title,
        scope=opportunity.summary,
        fee_minor=fee_minor,
        currency=opportunity.currency,
        **fields,
    )


@pytest.fixture
def opportunity(acme: Organisation, bob: User, skills: list[dict[str, str]]) -> Opportunity:
    return make_opportunity(acme, bob, skills)


@pytest.fixture
def approved(opportunity: Opportunity, alice: User) -> Engagement:
    return make_engagement(opportunity, alice, status="approved")


@pytest.fixture
def paid(acme: Organisation, bob: User, alice: User, skills: list[dict[str, str]]) -> Engagement:
    opp = make_opportunity(acme, bob, skills, title="Survey analysis")
    return make_engagement(opp, alice, status="paid")


@pytest.fixture
def acme_member(acme: Organisation) -> User:
    user = make_user("pat@acme.example", name="Pat Acme")
    Membership.objects.create(organisation=acme, user=user, role="member")
    return user


EMPLOYER_RATINGS = {"quality": 5, "communication": 4, "timeliness": 5, "initiative": 4}
CANDIDATE_RATINGS = {"clarity": 4, "feedback": 5, "fairness": 5, "would_work_again": 5}
