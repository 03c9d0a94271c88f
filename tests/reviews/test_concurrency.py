"""Races on PostgreSQL with real threads: two members of the employer reviewing at
once leave one review; two follow-up offers at once leave one open offer.

Run in CI's PostgreSQL pass:
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/stint_test pytest tests/reviews`.
"""

from __future__ import annotations

import pytest

from stint.accounts.models import User
from stint.core.errors import ConflictError
from stint.engagements.models import Engagement
from stint.reviews import services
from stint.reviews.models import FollowUpOffer, Review
from tests.concurrency import race
from tests.reviews.conftest import EMPLOYER_RATINGS

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("needs_postgres"),
]


def test_two_members_reviewing_at_once_leave_one_review(
    paid: Engagement, bob: User, acme_member: User
) -> None:
    results = race(
        lambda: services.review_create(actor=bob, engagement_id=paid.pk, ratings=EMPLOYER_RATINGS),
        lambda: services.review_create(
            actor=acme_member, engagement_id=paid.pk, ratings=EMPLOYER_RATINGS
        ),
    )
    assert sum(isinstance(r, Review) for r in results) == 1
    assert sum(isinstance(r, ConflictError) for r in results) == 1
    assert Review.objects.filter(engagement=paid).count() == 1


def test_two_follow_ups_at_once_leave_one_open(
    paid: Engagement, bob: User, acme_member: User
) -> None:
    results = race(
        lambda: services.follow_up_create(
            actor=bob, engagement_id=paid.pk, kind="job", role_title="Analyst"
        ),
        lambda: services.follow_up_create(
            actor=acme_member, engagement_id=paid.pk, kind="job", role_title="Analyst"
        ),
    )
    assert sum(isinstance(r, FollowUpOffer) for r in results) == 1
    assert FollowUpOffer.objects.filter(engagement=paid, status="offered").count() == 1
