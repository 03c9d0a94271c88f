"""Fixtures for applications: a published opportunity of Acme with real ESCO
skills and screening questions, and more candidates."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from stint.accounts.models import User
from stint.matching.engine import search_skills
from stint.opportunities.models import Opportunity, RequiredSkill, ScreeningQuestion
from stint.orgs.models import Organisation
from tests.personas import make_user


@pytest.fixture(scope="session")
def esco_skills() -> list[dict[str, str]]:
    python = search_skills("python")[0]
    sql = search_skills("SQL")[0]
    assert python["label"].startswith("Python") and sql["label"] == "SQL"
    return [python, sql]


def make_opportunity(
    employer: Organisation,
    creator: User,
    skills: list[dict[str, str]],
    *,
    title: str = "Data cleanup",
    openings: int = 1,
    **extra: Any,
) -> Opportunity:
    if employer.verified_at is None:
        employer.verified_at = timezone.now()
        employer.save(update_fields=["verified_at"])
    fields: dict[str, Any] = {
        "summary": "Clean and de-duplicate our customer list with Python.",
        "deliverables": "A cleaned CSV and a short note on what changed.",
        "estimated_hours": 10,
        "fee_minor": 50_000,
        "currency": "USD",
        "status": "published",
        "published_at": timezone.now(),
        "apply_by": timezone.localdate() + timedelta(days=14),
        "openings": openings,
        **extra,
    }
    opportunity = Opportunity.objects.create(
        employer=employer, created_by=creator, title=title, **fields
    )
    for i, skill in enumerate(skills):
        RequiredSkill.objects.create(
            opportunity=opportunity,
            skill_id=skill["id"],
            label=skill["label"],
            need="essential" if i == 0 else "nice",
        )
    return opportunity


@pytest.fixture
def published_opportunity(
    acme: Organisation, bob: User, esco_skills: list[dict[str, str]]
) -> Opportunity:
    opportunity = make_opportunity(acme, bob, esco_skills)
    ScreeningQuestion.objects.create(
        opportunity=opportunity, position=1, text="Which tools would you use?", required=True
    )
    ScreeningQuestion.objects.create(
        opportunity=opportunity, position=2, text="Anything else?", required=False
    )
    return opportunity


@pytest.fixture
def required_question(published_opportunity: Opportunity) -> ScreeningQuestion:
    return published_opportunity.questions.get(required=True)


@pytest.fixture
def frank(db: None) -> User:
    return make_user("frank@example.com", candidate=True, name="Frank Candidate")


@pytest.fixture
def acme_member(acme: Organisation) -> User:
    from stint.orgs.models import Membership

    user = make_user("plain@acme.example", name="Pat Acme")
    Membership.objects.create(organisation=acme, user=user, role="member")
    return user


def apply(candidate: User, opportunity: Opportunity, note: str = "I love tidy data.") -> Any:
    from stint.applications.services import application_submit

    answers = {q.pk: "pandas and SQL" for q in opportunity.questions.filter(required=True)}
    return application_submit(
        actor=candidate, opportunity_id=opportunity.pk, note=note, answers=answers
    )
