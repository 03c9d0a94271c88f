"""Milestone by milestone: each milestone is submitted, reviewed and paid on its own,
through the same services and the real payments ledger."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from freezegun import freeze_time

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError, Forbidden, NotFound
from stint.core.money import Money
from stint.engagements import selectors, services
from stint.engagements.models import Decision, Engagement, Milestone, Submission
from stint.notifications.models import Notification
from stint.payments import services as payments
from stint.payments.models import LedgerTransaction
from tests.engagements.conftest import (
    FEE,
    SHARES,
    candidate_balance,
    candidate_share,
    candidate_share_of_parts,
    employer_refunded,
    escrow,
    funded_amount,
    ledger_is_balanced,
    out_of_escrow,
    platform_cut,
    platform_revenue,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["employer", "candidate"])
def fee_payer(request: Any, settings: Any) -> str:
    """Who bears the platform fee (set before the engagement is funded)."""
    settings.STINT_PLATFORM_FEE_PAYER = request.param
    return request.param


def parts(e: Engagement) -> list[Milestone]:
    return list(e.milestones.order_by("position"))


def submit(e: Engagement, m: Milestone, user: User, text: str = "Part done.") -> Submission:
    return services.submission_create(actor=user, engagement_id=e.pk, text=text, milestone_id=m.pk)


def approve(e: Engagement, m: Milestone, user: User) -> Engagement:
    return services.submission_approve(actor=user, engagement_id=e.pk, milestone_id=m.pk)


def status(e: Engagement) -> str:
    e.refresh_from_db()
    return e.status


# --- Partial releases ---------------------------------------------------------------------------


def test_each_approval_releases_exactly_that_share(
    fee_payer: str, milestoned: Engagement, alice: User, bob: User
) -> None:
    e = milestoned
    one, two, three = parts(e)
    assert status(e) == "in_progress" and escrow(e) == funded_amount()
    s = submit(e, one, alice)
    assert s.milestone == one and s.version == 1
    one.refresh_from_db()
    assert one.status == "submitted" and one.submitted_at and status(e) == "submitted"

    approve(e, one, bob)
    one.refresh_from_db()
    assert one.status == "approved" and one.approved_at and one.released_at
    assert status(e) == "in_progress" and e.released_minor == SHARES[0]  # open, one share out
    assert candidate_balance(alice) == candidate_share_of_parts(SHARES[0])
    assert platform_revenue() == platform_cut(SHARES[0]) == SHARES[0] // 10
    assert escrow(e) == funded_amount() - out_of_escrow(SHARES[0])
    tx = LedgerTransaction.objects.get(idempotency_key=f"release:{e.pk}:m{one.pk}")
    assert tx.kind == "escrow_release" and tx.amount == out_of_escrow(SHARES[0])
    assert tx.details["fee_part"] == SHARES[0]

    # Out of order: the last one first, then the middle one completes the engagement.
    submit(e, three, alice)
    submit(e, two, alice)
    approve(e, three, bob)
    assert status(e) == "submitted"  # two still waits for review
    released = SHARES[0] + SHARES[2]
    assert platform_revenue() == platform_cut(released)
    assert escrow(e) == funded_amount() - out_of_escrow(released)
    approve(e, two, bob)
    e.refresh_from_db()
    assert e.status == "paid" and e.approved_at and e.paid_at and e.released_minor == FEE
    assert not e.auto_approved
    # Every share went out and nothing is left: the same as one full release.
    assert escrow(e) == 0
    assert candidate_balance(alice) == candidate_share(FEE)
    assert platform_revenue() == FEE // 10
    assert LedgerTransaction.objects.filter(ref=e.ledger_ref, kind="escrow_release").count() == 3
    assert Notification.objects.filter(user=alice, kind="engagement.paid").count() == 3
    ledger_is_balanced()


def test_retries_move_nothing_and_an_approved_milestone_stays_paid_once(
    milestoned: Engagement, alice: User, bob: User
) -> None:
    e = milestoned
    one, two, _ = parts(e)
    submit(e, one, alice)
    approve(e, one, bob)
    balances = (escrow(e), candidate_balance(alice), platform_revenue())
    key = f"release:{e.pk}:m{one.pk}"
    first = LedgerTransaction.objects.get(idempotency_key=key)
    # The same movement again (a retried task or request) returns the first one.
    again = payments.escrow_release(
        ref=e.ledger_ref,
        candidate_id=alice.pk,
        idempotency_key=key,
        fee_part=Money(one.amount_minor, "USD"),
    )
    assert again.pk == first.pk
    # The same key for another amount is a conflict, not a second payment.
    with pytest.raises(ConflictError):
        payments.escrow_release(
            ref=e.ledger_ref,
            candidate_id=alice.pk,
            idempotency_key=key,
            fee_part=Money(two.amount_minor, "USD"),
        )
    with pytest.raises(ConflictError):
        approve(e, one, bob)  # already approved and paid
    with pytest.raises(ConflictError):
        approve(e, two, bob)  # nothing submitted for it yet
    assert (escrow(e), candidate_balance(alice), platform_revenue()) == balances
    assert LedgerTransaction.objects.filter(ref=e.ledger_ref, kind="escrow_release").count() == 1
    ledger_is_balanced()


def test_the_ledger_refuses_more_than_the_fee_in_parts(milestoned: Engagement, alice: User) -> None:
    e = milestoned
    with pytest.raises(DomainError) as exc:
        payments.escrow_release(
            ref=e.ledger_ref,
            candidate_id=alice.pk,
            idempotency_key="too-much",
            fee_part=Money(FEE + 1, "USD"),
        )
    assert exc.value.code == "insufficient_funds" and exc.value.field == "fee_part"
    with pytest.raises(DomainError):
        payments.escrow_release(
            ref=e.ledger_ref,
            candidate_id=alice.pk,
            idempotency_key="nothing",
            fee_part=Money(0, "USD"),
        )
    assert escrow(e) == funded_amount() and candidate_balance(alice) == 0


# --- Rounds, versions and the engagement's status --------------------------------------------


def test_versions_and_change_rounds_count_per_milestone(
    milestoned: Engagement, alice: User, bob: User, settings: Any
) -> None:
    settings.STINT_MAX_CHANGE_ROUNDS = 1
    e = milestoned
    one, two, _ = parts(e)
    submit(e, one, alice)
    submit(e, two, alice)
    services.submission_request_changes(
        actor=bob, engagement_id=e.pk, comments="Tighten it.", milestone_id=one.pk
    )
    one.refresh_from_db()
    assert one.status == "changes_requested" and one.change_rounds == 1
    assert status(e) == "submitted"  # two still waits
    assert submit(e, one, alice, "v2").version == 2
    with pytest.raises(ConflictError) as exc:
        services.submission_request_changes(
            actor=bob, engagement_id=e.pk, comments="More.", milestone_id=one.pk
        )
    assert exc.value.code == "too_many_rounds"
    # The other milestone has its own round.
    services.submission_request_changes(
        actor=bob, engagement_id=e.pk, comments="Redo.", milestone_id=two.pk
    )
    approve(e, one, bob)
    assert status(e) == "changes_requested"  # only two needs work now
    assert submit(e, two, alice, "again").version == 2
    assert status(e) == "submitted"
    e.refresh_from_db()
    assert e.change_rounds == 0  # the engagement-wide count is not used by milestones
    assert [(s.milestone.position, s.version) for s in selectors.submissions_of(e)] == [
        (2, 2),
        (1, 2),
        (2, 1),
        (1, 1),
    ]


def test_a_milestone_is_needed_exactly_when_the_engagement_has_them(
    milestoned: Engagement, another_engagement: Any, alice: User, bob: User
) -> None:
    e = milestoned
    one = parts(e)[0]
    with pytest.raises(DomainError) as exc:
        services.submission_create(actor=alice, engagement_id=e.pk, text="x")
    assert exc.value.field == "milestone_id" and exc.value.status == 422
    with pytest.raises(DomainError) as exc:
        services.submission_create(actor=alice, engagement_id=e.pk, text="x", milestone_id=10**12)
    assert exc.value.field == "milestone_id"
    submit(e, one, alice)
    with pytest.raises(DomainError) as exc:
        services.submission_approve(actor=bob, engagement_id=e.pk)
    assert exc.value.field == "milestone_id"
    with pytest.raises(DomainError) as exc:
        services.submission_request_changes(actor=bob, engagement_id=e.pk, comments="x")
    assert exc.value.field == "milestone_id"
    with pytest.raises(ConflictError) as exc:
        submit(e, one, alice)  # already waiting for review
    assert exc.value.field == "milestone_id"
    # Another engagement's milestone is not this one's.
    other = another_engagement()
    services.milestones_set(
        actor=bob, engagement_id=other.pk, milestones=[services.MilestoneIn("All", FEE)]
    )
    theirs = other.milestones.get()
    with pytest.raises(DomainError) as exc:
        services.submission_approve(actor=bob, engagement_id=e.pk, milestone_id=theirs.pk)
    assert exc.value.field == "milestone_id"
    # An engagement paid as a whole refuses a milestone id.
    whole = another_engagement()
    services.engagement_start(actor=alice, engagement_id=whole.pk)
    with pytest.raises(DomainError) as exc:
        services.submission_create(
            actor=alice, engagement_id=whole.pk, text="x", milestone_id=one.pk
        )
    assert exc.value.field == "milestone_id"
    assert Submission.objects.filter(engagement=whole).count() == 0
    assert Submission.objects.filter(engagement=e).count() == 1
    assert escrow(e) == funded_amount() and candidate_balance(alice) == 0


def test_only_the_candidate_submits_and_only_the_employer_reviews(
    milestoned: Engagement, alice: User, bob: User, acme_member: User, eve: User, carol: User
) -> None:
    e = milestoned
    one = parts(e)[0]
    with pytest.raises(Forbidden):
        submit(e, one, bob)
    submit(e, one, alice)
    with pytest.raises(Forbidden):
        approve(e, one, alice)
    with pytest.raises(Forbidden):
        services.submission_request_changes(
            actor=alice, engagement_id=e.pk, comments="x", milestone_id=one.pk
        )
    for outsider in (eve, carol):
        with pytest.raises(NotFound):
            approve(e, one, outsider)
        with pytest.raises(NotFound):
            submit(e, one, outsider)
    approve(e, one, acme_member)  # any member of the employer
    one.refresh_from_db()
    assert one.status == "approved"
    assert candidate_balance(alice) == candidate_share_of_parts(SHARES[0])


def test_milestones_wait_for_the_start_and_legacy_engagements_are_paid_whole(
    engagement: Engagement, alice: User, bob: User
) -> None:
    services.milestones_set(
        actor=bob,
        engagement_id=engagement.pk,
        milestones=[services.MilestoneIn("A", 10_000), services.MilestoneIn("B", 40_000)],
    )
    a = engagement.milestones.get(position=1)
    with pytest.raises(ConflictError):  # not started yet
        services.submission_create(
            actor=alice, engagement_id=engagement.pk, text="x", milestone_id=a.pk
        )
    services.engagement_start(actor=alice, engagement_id=engagement.pk)
    # An engagement started before milestone payments existed keeps the whole flow.
    Engagement.objects.filter(pk=engagement.pk).update(by_milestone=False)
    services.submission_create(actor=alice, engagement_id=engagement.pk, text="all of it")
    services.submission_approve(actor=bob, engagement_id=engagement.pk)
    engagement.refresh_from_db()
    assert engagement.status == "paid" and escrow(engagement) == 0
    assert candidate_balance(alice) == candidate_share(FEE)
    ledger_is_balanced()


# --- Ending early after some milestones were paid ------------------------------------------


def test_a_split_after_one_milestone_refunds_only_the_rest(
    fee_payer: str, milestoned: Engagement, alice: User, bob: User
) -> None:
    e = milestoned
    one, two, _ = parts(e)
    submit(e, one, alice)
    approve(e, one, bob)
    submit(e, two, alice)  # left waiting: the split closes it
    left_fee = FEE - SHARES[0]
    with pytest.raises(DomainError) as exc:
        services.split_propose(actor=bob, engagement_id=e.pk, to_candidate_minor=left_fee + 1)
    assert exc.value.field == "to_candidate_minor" and "still in escrow" in exc.value.message
    p = services.split_propose(actor=bob, engagement_id=e.pk, to_candidate_minor=0)
    held = escrow(e)
    assert held == funded_amount() - out_of_escrow(SHARES[0])
    services.split_accept(actor=alice, engagement_id=e.pk, proposal_id=p.pk)
    e.refresh_from_db()
    assert e.status == "cancelled" and e.released_minor == SHARES[0]
    assert escrow(e) == 0
    assert employer_refunded(e) == held  # only what was still in escrow
    assert candidate_balance(alice) == candidate_share_of_parts(SHARES[0])
    two.refresh_from_db()
    assert two.status == "pending" and not Submission.objects.filter(decision="pending").exists()
    # Money in == money out.
    assert out_of_escrow(SHARES[0]) + employer_refunded(e) == funded_amount()
    ledger_is_balanced()


def test_a_partial_payment_on_top_of_released_milestones(
    milestoned: Engagement, alice: User, bob: User
) -> None:
    e = milestoned
    one = parts(e)[0]
    submit(e, one, alice)
    approve(e, one, bob)
    p = services.split_propose(actor=alice, engagement_id=e.pk, to_candidate_minor=10_000)
    services.split_accept(actor=bob, engagement_id=e.pk, proposal_id=p.pk)
    e.refresh_from_db()
    assert e.status == "cancelled" and e.released_minor == SHARES[0] + 10_000 and escrow(e) == 0
    assert candidate_balance(alice) == SHARES[0] + 10_000  # the employer pays the platform fee
    ledger_is_balanced()


def test_approving_a_milestone_withdraws_a_pending_proposal(
    milestoned: Engagement, alice: User, bob: User
) -> None:
    e = milestoned
    one = parts(e)[0]
    p = services.split_propose(actor=alice, engagement_id=e.pk, to_candidate_minor=FEE)
    submit(e, one, alice)
    approve(e, one, bob)
    p.refresh_from_db()
    assert p.status == "withdrawn"
    with pytest.raises(ConflictError):
        services.split_accept(actor=bob, engagement_id=e.pk, proposal_id=p.pk)
    assert escrow(e) == funded_amount() - out_of_escrow(SHARES[0])


def test_a_dispute_after_a_milestone_splits_only_what_is_left(
    fee_payer: str, milestoned: Engagement, alice: User, bob: User, root: User
) -> None:
    e = milestoned
    one, two, _ = parts(e)
    submit(e, one, alice)
    approve(e, one, bob)
    submit(e, two, alice)
    services.dispute_open(actor=bob, engagement_id=e.pk, statement="Part 2 is late.")
    two.refresh_from_db()
    assert two.status == "pending" and status(e) == "disputed"
    with pytest.raises(ConflictError):
        approve(e, two, bob)  # nothing moves while disputed
    left_fee = FEE - SHARES[0]
    with pytest.raises(DomainError) as exc:
        services.dispute_resolve(
            actor=root, engagement_id=e.pk, to_candidate_minor=left_fee + 1, resolution="x"
        )
    assert exc.value.field == "to_candidate_minor"
    held = escrow(e)
    services.dispute_resolve(
        actor=root, engagement_id=e.pk, to_candidate_minor=left_fee, resolution="All of it."
    )
    e.refresh_from_db()
    assert e.status == "resolved" and e.released_minor == FEE and escrow(e) == 0
    assert employer_refunded(e) == 0
    assert candidate_balance(alice) + platform_revenue() == held + out_of_escrow(SHARES[0])
    assert candidate_balance(alice) == candidate_share(FEE)  # the whole fee, in two steps
    ledger_is_balanced()


# --- Auto-approval and reminders, per milestone --------------------------------------------------


def test_each_milestone_is_auto_approved_on_its_own_clock(
    milestoned: Engagement, alice: User, bob: User, settings: Any
) -> None:
    settings.STINT_AUTO_APPROVE_DAYS = 7
    e = milestoned
    one, two, three = parts(e)
    start = timezone.now()
    with freeze_time(start):
        submit(e, one, alice)
    with freeze_time(start + timedelta(days=3)):
        submit(e, two, alice)

    def reminders() -> list[str]:
        return list(
            Notification.objects.filter(user=bob, kind="engagement.review_reminder").values_list(
                "title", flat=True
            )
        )

    with freeze_time(start + timedelta(days=5, minutes=1)):
        assert services.engagements_auto_approve_due() == {"reminded": 1, "approved": 0}
    assert len(reminders()) == 1 and "Part 1" in reminders()[0]
    with freeze_time(start + timedelta(days=7, minutes=1)):
        assert services.engagements_auto_approve_due() == {"reminded": 0, "approved": 1}
        assert services.engagements_auto_approve_due() == {"reminded": 0, "approved": 0}
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.status == "approved" and one.auto_approved and two.status == "submitted"
    assert one.submissions.get().decision == Decision.AUTO_APPROVED
    assert status(e) == "submitted"
    assert candidate_balance(alice) == candidate_share_of_parts(SHARES[0])
    with freeze_time(start + timedelta(days=10, minutes=1)):
        assert services.engagements_auto_approve_due() == {"reminded": 0, "approved": 1}
    assert status(e) == "in_progress"  # three is not submitted yet
    with freeze_time(start + timedelta(days=11)):
        submit(e, three, alice)
    with freeze_time(start + timedelta(days=18, minutes=1)):
        assert services.engagements_auto_approve_due()["approved"] == 1
    e.refresh_from_db()
    assert e.status == "paid" and e.auto_approved and e.released_minor == FEE
    assert escrow(e) == 0 and candidate_balance(alice) == candidate_share(FEE)
    ledger_is_balanced()


def test_auto_approval_of_an_engagement_approves_every_due_milestone(
    milestoned: Engagement, alice: User, bob: User, settings: Any
) -> None:
    e = milestoned
    one, two, three = parts(e)
    start = timezone.now()
    with freeze_time(start):
        for m in (one, two, three):
            submit(e, m, alice)
        services.submission_request_changes(
            actor=bob, engagement_id=e.pk, comments="x", milestone_id=three.pk
        )
    later = start + timedelta(days=settings.STINT_AUTO_APPROVE_DAYS, minutes=1)
    with freeze_time(later):
        assert services.engagement_auto_approve(engagement_id=e.pk) is True
        assert services.engagement_auto_approve(engagement_id=e.pk) is False
    assert status(e) == "changes_requested"  # three was answered, so it waits for rework
    assert candidate_balance(alice) == candidate_share_of_parts(SHARES[0] + SHARES[1])


# --- Selectors: what each side may do ------------------------------------------------------------


def test_actions_per_milestone(
    milestoned: Engagement, alice: User, bob: User, settings: Any
) -> None:
    e = milestoned
    one, _, _ = parts(e)
    submit(e, one, alice)
    e.refresh_from_db()

    def actions(side: str) -> selectors.Actions:
        return selectors.actions_for(
            e, side, max_rounds=settings.STINT_MAX_CHANGE_ROUNDS, milestones=parts(e)
        )

    cand, emp = actions("candidate"), actions("employer")
    assert [r.actions for r in cand.milestones] == [[], ["submit"], ["submit"]]
    assert cand.names[0] == "submit" and "approve" not in cand.names
    assert [r.actions for r in emp.milestones] == [["request_changes", "approve"], [], []]
    assert emp.names[:2] == ["request_changes", "approve"] and "dispute" in emp.names
    # The candidate still has milestones to work on while one waits for review.
    assert selectors.dashboard_candidate(alice)["needs_action"] == [e]
    assert selectors.dashboard_employer(bob)["needs_action"] == [e]
