"""The services, with the real signal → task → service path for opening and the
payments ledger for every movement of money."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from freezegun import freeze_time

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError, Forbidden, NotFound
from stint.engagements import services
from stint.engagements.models import Decision, Engagement, Submission
from stint.notifications.models import Notification
from tests.engagements.conftest import (
    FEE,
    candidate_balance,
    candidate_share,
    escrow,
    funded_amount,
    ledger_is_balanced,
)

pytestmark = pytest.mark.django_db


def submit(e: Engagement, user: User, text: str = "Here it is.") -> Submission:
    return services.submission_create(actor=user, engagement_id=e.pk, text=text)


def test_accepting_an_offer_opens_a_funded_engagement(
    engagement: Engagement, alice: User, bob: User, opportunity: Any
) -> None:
    e = engagement
    assert (
        e.status == "funded" and e.candidate == alice and e.employer_id == opportunity.employer_id
    )
    assert e.title == opportunity.title and e.fee_minor == FEE and e.currency == "USD"
    assert e.deliverables == opportunity.deliverables and "customer list" in e.scope
    assert escrow(e) == funded_amount() and e.funded_at is not None
    assert Notification.objects.filter(user=alice, kind="engagement.funded").exists()
    assert Notification.objects.filter(user=bob, kind="engagement.funded").exists()
    # Idempotent: running the task's service again creates and funds nothing more.
    again = services.engagement_open_from_offer(offer_id=e.offer_id)
    assert again == e and Engagement.objects.count() == 1 and escrow(e) == funded_amount()
    ledger_is_balanced()


def test_only_accepted_offers_open_engagements(alice: User, bob: User, opportunity: Any) -> None:
    from stint.applications import services as app_services
    from tests.applications.conftest import apply

    a = apply(alice, opportunity)
    app_services.application_shortlist(actor=bob, application_id=a.pk)
    offer = app_services.offer_make(actor=bob, application_id=a.pk)
    assert services.engagement_open_from_offer(offer_id=offer.pk) is None
    assert services.engagement_open_from_offer(offer_id=999_999) is None
    assert not Engagement.objects.exists()


def test_the_whole_path_to_paid(
    engagement: Engagement, alice: User, bob: User, settings: Any
) -> None:
    e = engagement
    services.engagement_start(actor=alice, engagement_id=e.pk)
    first = services.submission_create(
        actor=alice,
        engagement_id=e.pk,
        text="Cleaned CSV attached.",
        links=["https://github.com/alice/cleanup"],
        files=[SimpleUploadedFile("clean.csv", b"a,b\n1,2\n", content_type="text/csv")],
    )
    assert first.version == 1 and first.items.count() == 2
    services.submission_request_changes(actor=bob, engagement_id=e.pk, comments="Dedupe emails.")
    e.refresh_from_db()
    assert e.status == "changes_requested" and e.change_rounds == 1
    first.refresh_from_db()
    assert first.decision == Decision.CHANGES_REQUESTED and first.comments == "Dedupe emails."
    second = submit(e, alice, "Emails deduplicated.")
    assert second.version == 2
    services.submission_approve(actor=bob, engagement_id=e.pk, comments="Great")
    e.refresh_from_db()
    assert e.status == "paid" and e.approved_at and e.paid_at and e.released_minor == FEE
    assert escrow(e) == 0
    assert candidate_balance(alice) == candidate_share(FEE)
    # A second approval is refused and releases nothing.
    with pytest.raises(ConflictError):
        services.submission_approve(actor=bob, engagement_id=e.pk)
    assert candidate_balance(alice) == candidate_share(FEE)
    ledger_is_balanced()


def test_a_candidate_cannot_approve_their_own_work(engagement: Engagement, alice: User) -> None:
    services.engagement_start(actor=alice, engagement_id=engagement.pk)
    submit(engagement, alice)
    with pytest.raises(Forbidden):
        services.submission_approve(actor=alice, engagement_id=engagement.pk)
    with pytest.raises(Forbidden):
        services.submission_request_changes(actor=alice, engagement_id=engagement.pk, comments="x")
    engagement.refresh_from_db()
    assert engagement.status == "submitted" and escrow(engagement) == funded_amount()


def test_outsiders_get_not_found(
    engagement: Engagement, eve: User, carol: User, root: User
) -> None:
    for outsider in (eve, carol, root):  # root: no dispute, so no business here
        with pytest.raises(NotFound):
            services.engagement_start(actor=outsider, engagement_id=engagement.pk)
        with pytest.raises(NotFound):
            services.engagement_cancel(actor=outsider, engagement_id=engagement.pk)


def test_employer_cannot_start_and_order_is_enforced(
    engagement: Engagement, alice: User, bob: User
) -> None:
    with pytest.raises(Forbidden):
        services.engagement_start(actor=bob, engagement_id=engagement.pk)
    with pytest.raises(ConflictError):
        submit(engagement, alice)  # not started yet
    services.engagement_start(actor=alice, engagement_id=engagement.pk)
    with pytest.raises(ConflictError):
        services.engagement_start(actor=alice, engagement_id=engagement.pk)


def test_change_rounds_are_bounded(
    engagement: Engagement, alice: User, bob: User, settings: Any
) -> None:
    settings.STINT_MAX_CHANGE_ROUNDS = 1
    services.engagement_start(actor=alice, engagement_id=engagement.pk)
    submit(engagement, alice)
    services.submission_request_changes(actor=bob, engagement_id=engagement.pk, comments="Again")
    submit(engagement, alice)
    with pytest.raises(ConflictError) as exc:
        services.submission_request_changes(actor=bob, engagement_id=engagement.pk, comments="More")
    assert exc.value.code == "too_many_rounds"
    engagement.refresh_from_db()
    assert engagement.status == "submitted" and engagement.change_rounds == 1
    services.submission_approve(actor=bob, engagement_id=engagement.pk)  # still possible


def test_request_changes_needs_comments(engagement: Engagement, alice: User, bob: User) -> None:
    services.engagement_start(actor=alice, engagement_id=engagement.pk)
    submit(engagement, alice)
    with pytest.raises(DomainError) as exc:
        services.submission_request_changes(actor=bob, engagement_id=engagement.pk, comments="  ")
    assert exc.value.field == "comments"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "x" * 10_001}, "text"),
        ({"links": ["javascript:alert(1)"]}, "links"),
        ({"files": [SimpleUploadedFile("virus.exe", b"MZ")]}, "files"),
        ({"files": [SimpleUploadedFile("empty.pdf", b"")]}, "files"),
    ],
)
def test_bad_submissions_name_the_field_and_change_nothing(
    engagement: Engagement, alice: User, kwargs: dict[str, Any], field: str
) -> None:
    services.engagement_start(actor=alice, engagement_id=engagement.pk)
    with pytest.raises(DomainError) as exc:
        services.submission_create(actor=alice, engagement_id=engagement.pk, **kwargs)
    assert exc.value.field == field
    engagement.refresh_from_db()
    assert engagement.status == "in_progress" and not Submission.objects.exists()


def test_big_files_are_refused(engagement: Engagement, alice: User, settings: Any) -> None:
    settings.STINT_ATTACHMENT_MAX_BYTES = 10
    services.engagement_start(actor=alice, engagement_id=engagement.pk)
    with pytest.raises(DomainError) as exc:
        services.submission_create(
            actor=alice,
            engagement_id=engagement.pk,
            files=[SimpleUploadedFile("big.pdf", b"x" * 11)],
        )
    assert exc.value.field == "files"


# --- Cancellation and partial payment ------------------------------------------------------


def test_cancel_before_start_refunds_in_full(
    engagement: Engagement, alice: User, bob: User
) -> None:
    services.engagement_cancel(actor=bob, engagement_id=engagement.pk, reason="Budget cut")
    engagement.refresh_from_db()
    assert engagement.status == "cancelled" and engagement.cancelled_at
    assert escrow(engagement) == 0 and candidate_balance(alice) == 0
    assert Notification.objects.filter(user=alice, kind="engagement.cancelled").exists()
    with pytest.raises(ConflictError):
        services.engagement_cancel(actor=alice, engagement_id=engagement.pk)
    ledger_is_balanced()


def test_after_start_cancelling_needs_an_agreed_split(
    engagement: Engagement, alice: User, bob: User
) -> None:
    services.engagement_start(actor=alice, engagement_id=engagement.pk)
    with pytest.raises(ConflictError) as exc:
        services.engagement_cancel(actor=bob, engagement_id=engagement.pk)
    assert exc.value.code == "work_started"
    with pytest.raises(DomainError) as bad:
        services.split_propose(actor=bob, engagement_id=engagement.pk, to_candidate_minor=FEE + 1)
    assert bad.value.field == "to_candidate_minor"
    p = services.split_propose(actor=bob, engagement_id=engagement.pk, to_candidate_minor=20_000)
    with pytest.raises(ConflictError):
        services.split_propose(actor=alice, engagement_id=engagement.pk, to_candidate_minor=30_000)
    with pytest.raises(Forbidden):
        services.split_accept(actor=bob, engagement_id=engagement.pk, proposal_id=p.pk)
    services.split_accept(actor=alice, engagement_id=engagement.pk, proposal_id=p.pk)
    engagement.refresh_from_db()
    assert engagement.status == "cancelled" and engagement.released_minor == 20_000
    assert escrow(engagement) == 0 and candidate_balance(alice) == candidate_share(20_000)
    ledger_is_balanced()


def test_a_declined_proposal_leaves_room_for_another(
    engagement: Engagement, alice: User, bob: User
) -> None:
    services.engagement_start(actor=alice, engagement_id=engagement.pk)
    p = services.split_propose(actor=alice, engagement_id=engagement.pk, to_candidate_minor=40_000)
    services.split_decline(actor=bob, engagement_id=engagement.pk, proposal_id=p.pk)
    p.refresh_from_db()
    assert p.status == "declined"
    q = services.split_propose(actor=alice, engagement_id=engagement.pk, to_candidate_minor=30_000)
    services.split_decline(actor=alice, engagement_id=engagement.pk, proposal_id=q.pk)
    q.refresh_from_db()
    assert q.status == "withdrawn" and escrow(engagement) == funded_amount()


# --- Disputes --------------------------------------------------------------------------------


def test_dispute_resolution_by_an_admin(
    engagement: Engagement, alice: User, bob: User, root: User, eve: User
) -> None:
    services.engagement_start(actor=alice, engagement_id=engagement.pk)
    submit(engagement, alice)
    with pytest.raises(DomainError) as exc:
        services.dispute_open(actor=bob, engagement_id=engagement.pk, statement="")
    assert exc.value.field == "statement"
    services.dispute_open(actor=bob, engagement_id=engagement.pk, statement="Not what we asked.")
    engagement.refresh_from_db()
    assert engagement.status == "disputed"
    with pytest.raises(Forbidden):
        services.dispute_respond(actor=bob, engagement_id=engagement.pk, statement="More")
    services.dispute_respond(actor=alice, engagement_id=engagement.pk, statement="It is.")
    with pytest.raises(ConflictError):
        services.dispute_respond(actor=alice, engagement_id=engagement.pk, statement="Again")
    with pytest.raises(Forbidden):
        services.dispute_resolve(
            actor=bob, engagement_id=engagement.pk, to_candidate_minor=0, resolution="Mine"
        )
    with pytest.raises(NotFound):
        services.dispute_resolve(
            actor=eve, engagement_id=engagement.pk, to_candidate_minor=0, resolution="x"
        )
    with pytest.raises(DomainError) as bad:
        services.dispute_resolve(
            actor=root, engagement_id=engagement.pk, to_candidate_minor=FEE + 1, resolution="x"
        )
    assert bad.value.field == "to_candidate_minor"
    d = services.dispute_resolve(
        actor=root, engagement_id=engagement.pk, to_candidate_minor=35_000, resolution="Split."
    )
    engagement.refresh_from_db()
    assert d.status == "resolved" and engagement.status == "resolved"
    assert engagement.released_minor == 35_000 and escrow(engagement) == 0
    assert candidate_balance(alice) == candidate_share(35_000)
    with pytest.raises(ConflictError):
        services.dispute_resolve(
            actor=root, engagement_id=engagement.pk, to_candidate_minor=1, resolution="Again"
        )
    # A submission left pending by the dispute is closed, never auto-approved.
    assert not Submission.objects.filter(decision="pending").exists()
    ledger_is_balanced()


def test_no_dispute_before_work_starts(engagement: Engagement, alice: User) -> None:
    with pytest.raises(ConflictError):
        services.dispute_open(actor=alice, engagement_id=engagement.pk, statement="Hm")


# --- Auto-approval -------------------------------------------------------------------------


def test_auto_approval_with_reminders_once_each(
    engagement: Engagement, alice: User, bob: User, settings: Any
) -> None:
    settings.STINT_AUTO_APPROVE_DAYS = 7
    start = timezone.now()
    with freeze_time(start):
        services.engagement_start(actor=alice, engagement_id=engagement.pk)
        submit(engagement, alice)

    def reminders() -> int:
        return Notification.objects.filter(user=bob, kind="engagement.review_reminder").count()

    with freeze_time(start + timedelta(days=4)):
        assert services.engagements_auto_approve_due() == {"reminded": 0, "approved": 0}
    with freeze_time(start + timedelta(days=5, minutes=1)):
        assert services.engagements_auto_approve_due()["reminded"] == 1
        assert services.engagements_auto_approve_due()["reminded"] == 0  # sent once
    assert reminders() == 1
    with freeze_time(start + timedelta(days=6, minutes=1)):
        services.engagements_auto_approve_due()
        services.engagements_auto_approve_due()
    assert reminders() == 2
    with freeze_time(start + timedelta(days=7, minutes=1)):
        assert services.engagements_auto_approve_due() == {"reminded": 0, "approved": 1}
        assert services.engagements_auto_approve_due() == {"reminded": 0, "approved": 0}
    engagement.refresh_from_db()
    assert engagement.status == "paid" and engagement.auto_approved
    assert Submission.objects.get().decision == Decision.AUTO_APPROVED
    assert escrow(engagement) == 0 and candidate_balance(alice) == candidate_share(FEE)
    ledger_is_balanced()


def test_auto_approval_task_skips_answered_work(
    engagement: Engagement, alice: User, bob: User
) -> None:
    from stint.engagements.tasks import auto_approve_due

    start = timezone.now()
    with freeze_time(start):
        services.engagement_start(actor=alice, engagement_id=engagement.pk)
        submit(engagement, alice)
        services.submission_request_changes(actor=bob, engagement_id=engagement.pk, comments="x")
    with freeze_time(start + timedelta(days=30)):
        auto_approve_due.enqueue()
        assert services.engagement_auto_approve(engagement_id=engagement.pk) is False
    engagement.refresh_from_db()
    assert engagement.status == "changes_requested" and escrow(engagement) == funded_amount()


# --- Milestones and hours ---------------------------------------------------------------------


def test_milestones_split_the_fee(engagement: Engagement, alice: User, bob: User) -> None:
    M = services.MilestoneIn
    with pytest.raises(DomainError) as exc:
        services.milestones_set(
            actor=bob, engagement_id=engagement.pk, milestones=[M("Draft", 10_000)]
        )
    assert exc.value.field == "milestones" and not engagement.milestones.exists()
    with pytest.raises(Forbidden):
        services.milestones_set(
            actor=alice, engagement_id=engagement.pk, milestones=[M("Draft", FEE)]
        )
    services.milestones_set(
        actor=bob,
        engagement_id=engagement.pk,
        milestones=[M("Draft", 20_000), M("Final", 30_000)],
    )
    assert [m.amount_minor for m in engagement.milestones.all()] == [20_000, 30_000]
    services.engagement_start(actor=alice, engagement_id=engagement.pk)
    with pytest.raises(ConflictError):
        services.milestones_set(actor=bob, engagement_id=engagement.pk, milestones=[])


def test_hours_and_the_effective_rate(engagement: Engagement, alice: User, bob: User) -> None:
    from stint.engagements import rules, selectors

    with pytest.raises(ConflictError):
        services.timelog_add(actor=alice, engagement_id=engagement.pk, day=date.today(), minutes=60)
    services.engagement_start(actor=alice, engagement_id=engagement.pk)
    with pytest.raises(Forbidden):
        services.timelog_add(actor=bob, engagement_id=engagement.pk, day=date.today(), minutes=60)
    with pytest.raises(DomainError) as exc:
        services.timelog_add(actor=alice, engagement_id=engagement.pk, day=date.today(), minutes=0)
    assert exc.value.field == "minutes"
    with pytest.raises(DomainError) as exc:
        services.timelog_add(
            actor=alice,
            engagement_id=engagement.pk,
            day=timezone.localdate() + timedelta(days=1),
            minutes=60,
        )
    assert exc.value.field == "day"
    services.timelog_add(
        actor=alice, engagement_id=engagement.pk, day=timezone.localdate(), minutes=600
    )
    minutes = selectors.minutes_logged(engagement)
    assert minutes == 600 and rules.effective_hourly_rate(FEE, minutes) == 5_000


def test_dashboards(engagement: Engagement, alice: User, bob: User, carol: User) -> None:
    from stint.engagements import selectors

    assert selectors.dashboard_candidate(alice)["needs_action"] == [engagement]
    assert selectors.dashboard_employer(bob)["needs_action"] == []
    assert selectors.dashboard_employer(bob)["active"] == [engagement]
    assert selectors.dashboard_employer(carol)["active"] == []
    services.engagement_start(actor=alice, engagement_id=engagement.pk)
    submit(engagement, alice)
    assert selectors.dashboard_candidate(alice)["needs_action"] == []
    assert selectors.dashboard_employer(bob)["needs_action"] == [engagement]


def test_a_failed_charge_is_retried_with_the_same_key(
    alice: User, bob: User, opportunity: Any, monkeypatch: pytest.MonkeyPatch, client_for: Any
) -> None:
    """The engagement row commits before the charge, so a retry uses the same key."""
    from stint.payments import services as payments
    from tests.engagements.conftest import accept_offer

    real_fund = payments.escrow_fund
    keys: list[str] = []

    def declined(**kwargs: Any) -> Any:
        keys.append(kwargs["idempotency_key"])
        raise DomainError("payment_declined", "The payment was declined.")

    monkeypatch.setattr(payments, "escrow_fund", declined)
    offer = accept_offer(alice, bob, opportunity)
    with pytest.raises(DomainError):
        services.engagement_open_from_offer(offer_id=offer.pk)
    e = Engagement.objects.get(offer=offer)
    assert e.funded_at is None and escrow(e) == 0
    with pytest.raises(ConflictError):
        services.engagement_start(actor=alice, engagement_id=e.pk)
    page = client_for(alice).get(f"/engagements/{e.pk}/").content.decode()
    assert f"Waiting for {opportunity.employer.name}" in page  # who must act next
    assert "payment to reach escrow" in page
    assert services.engagements_fund_pending() == 0  # still declined
    monkeypatch.setattr(payments, "escrow_fund", real_fund)
    assert services.engagements_fund_pending() == 1
    e.refresh_from_db()
    assert e.funded_at is not None and escrow(e) == funded_amount()
    assert keys == [f"fund:{e.pk}", f"fund:{e.pk}"]
    services.engagement_start(actor=alice, engagement_id=e.pk)
