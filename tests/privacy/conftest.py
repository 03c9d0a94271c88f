from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone

from stint.accounts.models import User
from stint.accounts.services import api_token_create
from stint.applications.models import Answer, Application, Message, Offer
from stint.engagements.models import Engagement
from stint.notifications.models import Notification
from stint.opportunities.models import Opportunity, SavedSearch, ScreeningQuestion
from stint.orgs.models import Organisation
from stint.profiles.models import CandidateProfile, Education
from stint.reviews.models import Review


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


def _world(user: User, employer: Organisation, creator: User, tag: str) -> dict[str, Any]:
    """A candidate's footprint across apps, built directly through the ORM."""
    profile = CandidateProfile.objects.create(
        user=user, headline=f"{tag} headline", bio=f"{tag} bio"
    )
    profile.resume.save(f"{tag}.pdf", ContentFile(b"%PDF-1.4 " + tag.encode()), save=True)
    Education.objects.create(profile=profile, **_education_fields(tag))
    o = Opportunity.objects.create(
        employer=employer,
        created_by=creator,
        title=f"{tag} job",
        summary="s",
        deliverables="d",
        estimated_hours=10,
        fee_minor=50000,
        currency="USD",
        status="published",
        published_at=timezone.now(),
    )
    q = ScreeningQuestion.objects.create(opportunity=o, text="Why?")
    application = Application.objects.create(
        opportunity=o, candidate=user, note=f"{tag} note", status="accepted"
    )
    Answer.objects.create(application=application, question=q, text=f"{tag} answer")
    offer = Offer.objects.create(
        application=application,
        fee_minor=50000,
        currency="USD",
        scope="s",
        expires_at=timezone.now() + timedelta(days=3),
        status="accepted",
        created_by=creator,
    )
    engagement = Engagement.objects.create(
        application=application,
        offer=offer,
        opportunity=o,
        candidate=user,
        employer=employer,
        title=o.title,
        scope="s",
        fee_minor=50000,
        currency="USD",
        status="paid",
        paid_at=timezone.now(),
        released_minor=50000,
    )
    review = Review.objects.create(
        engagement=engagement,
        side="candidate",
        author=user,
        ratings={"clarity": 5},
        text=f"{tag} review of employer",
    )
    mine = Message.objects.create(application=application, sender=user, body=f"{tag} message")
    mine.attachment.save(f"{tag}.txt", ContentFile(f"{tag} attachment".encode()), save=True)
    theirs = Message.objects.create(application=application, sender=creator, body=f"reply to {tag}")
    Notification.objects.create(user=user, kind="x", title=f"{tag} notification")
    SavedSearch.objects.create(user=user, name=f"{tag} search", query={})
    token = api_token_create(user=user, name=f"{tag} token")
    return {
        "profile": profile,
        "opportunity": o,
        "application": application,
        "engagement": engagement,
        "review": review,
        "message": mine,
        "reply": theirs,
        "token": token,
    }


def _education_fields(tag: str) -> dict[str, Any]:
    names = {f.name for f in Education._meta.get_fields()}
    out: dict[str, Any] = {}
    for candidate in ("school", "institution_name", "name"):
        if candidate in names:
            out[candidate] = f"{tag} school"
            break
    return out


@pytest.fixture
def alice_world(alice: User, bob: User, acme: Organisation) -> dict[str, Any]:
    return _world(alice, acme, bob, "alicetag")


@pytest.fixture
def other_world(carol: User, globex: Organisation) -> dict[str, Any]:
    from tests.personas import make_user

    zed = make_user("zed@example.com", candidate=True, name="Zed Other")
    return _world(zed, globex, carol, "zedtag")
