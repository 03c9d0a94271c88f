"""Races on PostgreSQL with real threads: money is released exactly once.

Run in CI's PostgreSQL pass:
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/stint_test pytest tests/engagements`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db.models import F

from stint.accounts.models import User
from stint.core.errors import ConflictError
from stint.engagements import services
from stint.engagements.models import Engagement, Submission
from stint.payments.models import LedgerTransaction
from tests.concurrency import race
from tests.engagements.conftest import (
    FEE,
    SHARES,
    candidate_balance,
    candidate_share,
    candidate_share_of_parts,
    escrow,
    funded_amount,
    ledger_is_balanced,
    out_of_escrow,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("needs_postgres"),
]


def released_once(e: Engagement, alice: User) -> None:
    e.refresh_from_db()
    assert e.status == "paid"
    releases = LedgerTransaction.objects.filter(ref=e.ledger_ref, kind="escrow_release")
    assert releases.count() == 1
    assert escrow(e) == 0 and candidate_balance(alice) == candidate_share(FEE)
    ledger_is_balanced()


@pytest.fixture
def submitted(engagement: Engagement, alice: User) -> Engagement:
    services.engagement_start(actor=alice, engagement_id=engagement.pk)
    services.submission_create(actor=alice, engagement_id=engagement.pk, text="done")
    return engagement


def test_two_approvals_at_once_release_once(
    submitted: Engagement, alice: User, bob: User, acme_member: User
) -> None:
    results = race(
        lambda: services.submission_approve(actor=bob, engagement_id=submitted.pk),
        lambda: services.submission_approve(actor=acme_member, engagement_id=submitted.pk),
    )
    assert sum(isinstance(r, Engagement) for r in results) == 1, results
    assert sum(isinstance(r, ConflictError) for r in results) == 1, results
    released_once(submitted, alice)


def test_approval_racing_auto_approval_releases_once(
    submitted: Engagement, alice: User, bob: User, settings: Any
) -> None:
    Submission.objects.filter(engagement=submitted).update(
        created_at=F("created_at") - timedelta(days=settings.STINT_AUTO_APPROVE_DAYS + 1)
    )
    results = race(
        lambda: services.submission_approve(actor=bob, engagement_id=submitted.pk),
        lambda: services.engagement_auto_approve(engagement_id=submitted.pk),
    )
    approved_by_bob = isinstance(results[0], Engagement)
    assert approved_by_bob != (results[1] is True), results  # exactly one of them won
    released_once(submitted, alice)


def test_opening_twice_at_once_makes_one_funded_engagement(engagement: Engagement) -> None:
    results = race(
        lambda: services.engagement_open_from_offer(offer_id=engagement.offer_id),
        lambda: services.engagement_open_from_offer(offer_id=engagement.offer_id),
    )
    assert all(isinstance(r, Engagement) and r.pk == engagement.pk for r in results), results
    assert Engagement.objects.count() == 1
    assert LedgerTransaction.objects.filter(ref=engagement.ledger_ref).count() == 1


# --- Milestone by milestone ----------------------------------------------------------------------


def test_two_approvals_of_one_milestone_pay_it_once(
    milestoned: Engagement, alice: User, bob: User, acme_member: User
) -> None:
    e = milestoned
    first = e.milestones.get(position=1)
    services.submission_create(actor=alice, engagement_id=e.pk, text="1", milestone_id=first.pk)
    results = race(
        lambda: services.submission_approve(actor=bob, engagement_id=e.pk, milestone_id=first.pk),
        lambda: services.submission_approve(
            actor=acme_member, engagement_id=e.pk, milestone_id=first.pk
        ),
    )
    assert sum(isinstance(r, Engagement) for r in results) == 1, results
    assert sum(isinstance(r, ConflictError) for r in results) == 1, results
    first.refresh_from_db()
    assert first.status == "approved" and first.released_at
    releases = LedgerTransaction.objects.filter(ref=e.ledger_ref, kind="escrow_release")
    assert list(releases.values_list("idempotency_key", flat=True)) == [
        f"release:{e.pk}:m{first.pk}"
    ]
    assert escrow(e) == funded_amount() - out_of_escrow(SHARES[0])
    assert candidate_balance(alice) == candidate_share_of_parts(SHARES[0])
    e.refresh_from_db()
    assert e.status == "in_progress"
    ledger_is_balanced()


def test_approving_two_milestones_at_once_pays_each_once(
    milestoned: Engagement, alice: User, bob: User, acme_member: User
) -> None:
    e = milestoned
    one, two, three = e.milestones.order_by("position")
    for m in (one, two, three):
        services.submission_create(actor=alice, engagement_id=e.pk, text="x", milestone_id=m.pk)
    services.submission_approve(actor=bob, engagement_id=e.pk, milestone_id=three.pk)
    results = race(
        lambda: services.submission_approve(actor=bob, engagement_id=e.pk, milestone_id=one.pk),
        lambda: services.submission_approve(
            actor=acme_member, engagement_id=e.pk, milestone_id=two.pk
        ),
    )
    assert all(isinstance(r, Engagement) for r in results), results
    e.refresh_from_db()
    assert e.status == "paid" and e.released_minor == FEE
    assert LedgerTransaction.objects.filter(ref=e.ledger_ref, kind="escrow_release").count() == 3
    assert escrow(e) == 0 and candidate_balance(alice) == candidate_share(FEE)
    ledger_is_balanced()


def test_milestone_approval_racing_auto_approval_pays_once(
    milestoned: Engagement, alice: User, bob: User, settings: Any
) -> None:
    e = milestoned
    first = e.milestones.get(position=1)
    s = services.submission_create(actor=alice, engagement_id=e.pk, text="1", milestone_id=first.pk)
    Submission.objects.filter(pk=s.pk).update(
        created_at=F("created_at") - timedelta(days=settings.STINT_AUTO_APPROVE_DAYS + 1)
    )
    results = race(
        lambda: services.submission_approve(actor=bob, engagement_id=e.pk, milestone_id=first.pk),
        lambda: services.engagement_auto_approve(engagement_id=e.pk, submission_id=s.pk),
    )
    approved_by_bob = isinstance(results[0], Engagement)
    assert approved_by_bob != (results[1] is True), results  # exactly one of them won
    assert LedgerTransaction.objects.filter(ref=e.ledger_ref, kind="escrow_release").count() == 1
    assert candidate_balance(alice) == candidate_share_of_parts(SHARES[0])
    ledger_is_balanced()
