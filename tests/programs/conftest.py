"""Fixtures for cohort programs: verified employers with published opportunities,
affiliated students of `uni`, and a program ready for ranking."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from stint.accounts.models import User
from stint.opportunities.models import Opportunity
from stint.orgs.models import Affiliation, Organisation
from stint.orgs.services import organisation_create
from stint.programs import services
from stint.programs.models import Program, ProgramOpportunity
from tests.personas import make_user


def verify(org: Organisation) -> Organisation:
    org.verified_at = timezone.now()
    org.save(update_fields=["verified_at"])
    return org


def make_opportunity(
    employer: Organisation, creator: User, title: str, openings: int = 1
) -> Opportunity:
    verify(employer)
    return Opportunity.objects.create(
        employer=employer,
        created_by=creator,
        title=title,
        summary=f"{title}: a short project with Python and SQL.",
        deliverables="A report.",
        estimated_hours=10,
        fee_minor=50_000,
        currency="USD",
        status="published",
        published_at=timezone.now(),
        apply_by=timezone.localdate() + timedelta(days=30),
        openings=openings,
    )


@pytest.fixture
def affiliated(uni: Organisation) -> Callable[[str], User]:
    def make(name: str) -> User:
        email = f"{name}@uni.example.edu"
        user = make_user(email, candidate=True, name=name.title())
        Affiliation.objects.create(user=user, institution=uni, email=email)
        return user

    return make


@pytest.fixture
def students(affiliated: Callable[[str], User]) -> list[User]:
    return [affiliated(n) for n in ("sam", "tia", "uma", "vic")]


@pytest.fixture
def poly(eve: User) -> Organisation:
    """Another institution; eve is its staff."""
    return organisation_create(actor=eve, kind="institution", name="Poly of Elsewhere")


@pytest.fixture
def opportunities(
    acme: Organisation, bob: User, globex: Organisation, carol: User
) -> list[Opportunity]:
    return [
        make_opportunity(acme, bob, "Churn dashboard", openings=2),
        make_opportunity(acme, bob, "Price scraper", openings=1),
        make_opportunity(globex, carol, "Survey analysis", openings=1),
    ]


@pytest.fixture
def program(dana: User, uni: Organisation) -> Program:
    return services.program_create(
        actor=dana, institution_id=uni.pk, name="Summer cohort", credit_bearing=True, credits=3
    )


@pytest.fixture
def ranking_program(
    program: Program,
    dana: User,
    bob: User,
    carol: User,
    opportunities: list[Opportunity],
    students: list[User],
) -> dict[str, Any]:
    """Opportunities agreed by both sides, the cohort in, ranking open for an hour."""
    entries = []
    for o in opportunities:
        e = services.entry_propose(
            actor=dana, program_id=program.pk, opportunity_id=o.pk, openings=o.openings
        )
        owner = bob if o.employer.name == "Acme" else carol
        entries.append(services.entry_decide(actor=owner, entry_id=e.pk, accept=True))
    services.cohort_add(actor=dana, program_id=program.pk, student_ids=[s.pk for s in students])
    now = timezone.now()
    services.program_window_open(
        actor=dana,
        program_id=program.pk,
        opens=now - timedelta(minutes=5),
        closes=now + timedelta(hours=1),
    )
    program.refresh_from_db()
    return {"program": program, "entries": entries, "students": students}


def entry_of(program: Program, opportunity: Opportunity) -> ProgramOpportunity:
    return ProgramOpportunity.objects.get(program=program, opportunity=opportunity)
