"""A small world for career services: Uni of Testing (dana) and Poly (olga), their
students, and activity at Acme created directly with the ORM."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from stint.accounts.models import User
from stint.applications.models import Application, Message, Offer
from stint.engagements.models import Engagement
from stint.institutions import services
from stint.opportunities.models import Opportunity
from stint.orgs.models import Affiliation, Organisation
from stint.orgs.services import organisation_create
from stint.profiles.models import CandidateProfile, Education
from stint.reviews.models import FollowUpOffer, Review, VerifiedSkill
from tests.applications.conftest import make_opportunity
from tests.personas import make_user

SECRET_MESSAGE = "top-secret-message-body"
SECRET_NOTE = "private-application-note"
SECRET_REVIEW = "private-review-text"
SECRET_FOLLOW_UP = "private-follow-up-message"

ALL = {
    "applications": True,
    "selections": True,
    "completions": True,
    "skills": True,
    "ratings": True,
    "follow_ups": True,
    "groups": True,
}


def student(
    email: str,
    institution: Organisation,
    *,
    major: str = "Computer Science",
    year: int | None = 2026,
    name: str = "",
) -> User:
    user = make_user(email, candidate=True, name=name or email.split("@")[0].title())
    Affiliation.objects.create(user=user, institution=institution, email=email)
    profile, _ = CandidateProfile.objects.get_or_create(user=user)
    Education.objects.create(
        profile=profile,
        institution_name=institution.name,
        institution=institution,
        degree="BSc",
        major=major,
        graduation_year=year,
    )
    return user


def consent(user: User, institution: Organisation, **scopes: bool) -> None:
    services.consent_set(actor=user, institution_id=institution.pk, scopes=scopes or ALL)


def apply_at(
    user: User, opportunity: Opportunity, *, when: datetime | None = None, status: str = "submitted"
) -> Application:
    when = when or timezone.now()
    return Application.objects.create(
        opportunity=opportunity,
        candidate=user,
        note=SECRET_NOTE,
        status=status,
        created_at=when,
        updated_at=when,
    )


def engage(
    user: User,
    opportunity: Opportunity,
    *,
    status: str = "paid",
    when: datetime | None = None,
    fee_minor: int = 50_000,
) -> Engagement:
    """An accepted application, its accepted offer and an engagement in `status`."""
    when = when or timezone.now()
    application = apply_at(user, opportunity, when=when - timedelta(days=10), status="accepted")
    offer = Offer.objects.create(
        application=application,
        fee_minor=fee_minor,
        currency="USD",
        scope="The work",
        expires_at=when,
        status="accepted",
        decided_at=when - timedelta(days=5),
    )
    extra: dict[str, Any] = {}
    fields = {f.name for f in Engagement._meta.get_fields()}
    if status == "paid" and "released_minor" in fields:
        extra["released_minor"] = fee_minor
    return Engagement.objects.create(
        **extra,
        application=application,
        offer=offer,
        opportunity=opportunity,
        candidate=user,
        employer=opportunity.employer,
        status=status,
        title=opportunity.title,
        scope="The work",
        fee_minor=fee_minor,
        currency="USD",
        paid_at=when if status == "paid" else None,
        cancelled_at=when if status == "cancelled" else None,
        updated_at=when,
    )


@pytest.fixture
def olga(db: None) -> User:
    return make_user("olga@poly.example.edu", name="Olga Poly")


@pytest.fixture
def poly(olga: User) -> Organisation:
    return organisation_create(actor=olga, kind="institution", name="Poly")


def make_opportunities(employer: Organisation, creator: User, n: int) -> list[Opportunity]:
    return [make_opportunity(employer, creator, [], title=f"Project {i}") for i in range(n)]


@pytest.fixture
def world(
    uni: Organisation, poly: Organisation, acme: Organisation, bob: User, dana: User
) -> dict[str, Any]:
    """sam (Uni, CS 2026) consents to everything and has a full history at Acme;
    tom (Uni, History 2027) consents to nothing; paul (Poly) consents to everything."""
    opps = make_opportunities(acme, bob, 3)
    sam = student("sam@uni.example.edu", uni, name="Sam Student")
    tom = student("tom@uni.example.edu", uni, major="History", year=2027, name="Tom Quiet")
    paul = student("paul@poly.example.edu", poly, name="Paul Poly")
    consent(sam, uni)
    consent(paul, poly)
    data: dict[str, Any] = {"opps": opps, "sam": sam, "tom": tom, "paul": paul}
    for who in (sam, tom, paul):
        e = engage(who, opps[0])
        VerifiedSkill.objects.create(
            engagement=e, candidate=who, skill_id="esco:python", label="Python", level=3
        )
        Review.objects.create(
            engagement=e,
            side="employer",
            author=bob,
            ratings={"quality": 5, "communication": 4},
            text=SECRET_REVIEW,
            visible_at=timezone.now() - timedelta(days=1),
        )
        FollowUpOffer.objects.create(
            engagement=e,
            employer=acme,
            candidate=who,
            kind="job",
            role_title="Junior analyst",
            message=SECRET_FOLLOW_UP,
        )
        Message.objects.create(application=e.application, sender=who, body=SECRET_MESSAGE)
        apply_at(who, opps[1])
        data[f"engagement_{who.email.split('@')[0]}"] = e
    return data
