"""Races on PostgreSQL with real threads: two members of the employer reviewing at
once leave one review; two follow-up offers at once leave one open offer.

Run in CI's PostgreSQL pass:
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/stint_test pytest tests/reviews`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from stint.accounts.models import User
from stint.core.errors import ConflictError
from stint.engagements.models import Engagement, FollowUpOffer
from stint.reviews import services
from stint.reviews.models import Review
from tests.reviews.conftest import EMPLOYER_RATINGS

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "row-lock races need PostgreSQL (SQLite serialises writers); "
            "CI runs these with DATABASE_URL=postgres://…"
        )


def race(*calls: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


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
