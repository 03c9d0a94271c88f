"""Fixtures for growth: opportunities, a shortlisted application, and engagements
made directly with the ORM (only long-standing fields), so these tests do not
depend on the engagement workflow services."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from stint.accounts.models import User
from stint.applications.models import Application, Offer
from stint.engagements.models import Engagement
from stint.matching.engine import search_skills
from stint.opportunities.models import Opportunity, RequiredSkill
from stint.orgs.models import Membership, Organisation
from stint.profiles.models import CandidateProfile
from tests.personas import make_user

JSON = "application/json"


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
    industry: str = "",
    needs: list[str] | None = None,
) -> Opportunity:
    now = timezone.now()
    opportunity = Opportunity.objects.create(
        employer=employer,
        created_by=creator,
        title=title,
        summary="Clean and de-duplicate our customer list with Python.",
        deliverables="A cleaned CSV and a note.",
        industry=industry,
        estimated_hours=10,
        fee_minor=50_000,
        currency="USD",
        status="published",
        published_at=now - timedelta(days=3),
    )
    for i, s in enumerate(skills):
        need = needs[i] if needs else ("essential" if i == 0 else "nice")
        RequiredSkill.objects.create(
            opportunity=opportunity, skill_id=s["id"], label=s["label"], need=need
        )
    return opportunity


def make_engagement(
    opportunity: Opportunity,
    candidate: User,
    *,
    status: str = "approved",
    start: date | None = None,
    due: date | None = None,
) -> Engagement:
    now = timezone.now()
    application = Application.objects.create(
        opportunity=opportunity, candidate=candidate, status="accepted"
    )
    offer = Offer.objects.create(
        application=application,
        fee_minor=50_000,
        currency=opportunity.currency,
        scope=opportunity.summary,
        expires_at=now + timedelta(days=5),
        status="accepted",
        decided_at=now,
    )
    fields: dict[str, Any] = {}
    if status in ("approved", "paid"):
        fields["approved_at"] = now
    if status == "paid":
        fields["paid_at"] = now
        if any(f.name == "released_minor" for f in Engagement._meta.get_fields()):
            fields["released_minor"] = 50_000
    return Engagement.objects.create(
        application=application,
        offer=offer,
        opportunity=opportunity,
        candidate=candidate,
        employer=opportunity.employer,
        status=status,
        title=opportunity.title,
        scope=opportunity.summary,
        fee_minor=50_000,
        currency=opportunity.currency,
        start_date=start,
        due_date=due,
        **fields,
    )


@pytest.fixture
def opportunity(acme: Organisation, bob: User, skills: list[dict[str, str]]) -> Opportunity:
    return make_opportunity(acme, bob, skills)


@pytest.fixture
def alice_profile(alice: User) -> CandidateProfile:
    return CandidateProfile.objects.create(user=alice, time_zone="America/New_York")


@pytest.fixture
def shortlisted(
    opportunity: Opportunity, alice: User, alice_profile: CandidateProfile
) -> Application:
    return Application.objects.create(
        opportunity=opportunity, candidate=alice, status="shortlisted"
    )


@pytest.fixture
def approved(opportunity: Opportunity, alice: User) -> Engagement:
    return make_engagement(opportunity, alice, status="approved")


@pytest.fixture
def running(acme: Organisation, bob: User, alice: User, skills: list[dict[str, str]]) -> Engagement:
    opp = make_opportunity(acme, bob, skills, title="Survey analysis")
    today = timezone.localdate()
    return make_engagement(
        opp,
        alice,
        status="in_progress",
        start=today - timedelta(days=20),
        due=today + timedelta(days=10),
    )


@pytest.fixture
def acme_member(acme: Organisation) -> User:
    user = make_user("pat@acme.example", name="Pat Acme")
    Membership.objects.create(organisation=acme, user=user, role="member")
    return user
