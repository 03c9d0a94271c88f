"""The application pipeline through its services: apply, decide, offer, accept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from stint.accounts.models import User
from stint.applications import selectors, services
from stint.applications.models import Answer, Application, ApplyInvite, Offer
from stint.core.errors import ConflictError, DomainError, Forbidden, NotFound
from stint.matching.engine import ENGINE_VERSION
from stint.notifications.models import Notification
from stint.opportunities.models import Opportunity
from stint.orgs.models import Affiliation, Organisation
from tests.applications.conftest import apply, make_opportunity
from tests.personas import make_user

pytestmark = pytest.mark.django_db


def kinds(user: User) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("pk").values_list("kind", flat=True)
    )


# --- Applying ----------------------------------------------------------------------------


def test_apply_stores_fit_answers_and_tells_the_employer(
    alice: User, bob: User, published_opportunity: Opportunity, required_question, acme_member
) -> None:  # type: ignore[no-untyped-def]
    a = services.application_submit(
        actor=alice,
        opportunity_id=published_opportunity.pk,
        note="  I cleaned 3 CRMs.  ",
        answers={required_question.pk: "pandas"},
    )
    assert a.status == "submitted" and a.note == "I cleaned 3 CRMs."
    assert a.fit_score is not None and 0 <= a.fit_score <= 1
    assert a.fit_explanation and all(isinstance(s, str) for s in a.fit_explanation)
    assert a.engine_version == ENGINE_VERSION
    assert list(Answer.objects.values_list("question_id", "text")) == [
        (required_question.pk, "pandas")
    ]
    assert kinds(bob) == ["application.received"]
    assert kinds(acme_member) == ["application.received"]
    assert kinds(alice) == []


def test_required_answer_is_enforced_naming_the_field(
    alice: User, published_opportunity: Opportunity, required_question
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as err:
        services.application_submit(
            actor=alice,
            opportunity_id=published_opportunity.pk,
            answers={required_question.pk: " "},
        )
    assert err.value.field == f"answers.{required_question.pk}"
    assert "Which tools" in err.value.message
    assert not Application.objects.exists() and not Notification.objects.exists()


def test_answers_to_other_opportunities_questions_are_refused(
    alice: User, published_opportunity: Opportunity, required_question, globex, carol, esco_skills
) -> None:  # type: ignore[no-untyped-def]
    other = make_opportunity(globex, carol, esco_skills, title="Other")
    from stint.opportunities.models import ScreeningQuestion

    q = ScreeningQuestion.objects.create(opportunity=other, text="Elsewhere?")
    with pytest.raises(DomainError) as err:
        services.application_submit(
            actor=alice,
            opportunity_id=published_opportunity.pk,
            answers={required_question.pk: "x", q.pk: "y"},
        )
    assert err.value.field == f"answers.{q.pk}"
    assert not Application.objects.exists()


def test_one_application_per_opportunity(alice: User, published_opportunity: Opportunity) -> None:
    apply(alice, published_opportunity)
    with pytest.raises(ConflictError) as err:
        apply(alice, published_opportunity)
    assert err.value.message == "You already applied to this opportunity."
    assert Application.objects.count() == 1


def test_only_candidates_apply_and_not_to_their_own_work(
    bob: User, eve: User, published_opportunity: Opportunity
) -> None:
    with pytest.raises(Forbidden):
        apply(eve, published_opportunity)
    bob.is_candidate = True
    bob.save()
    with pytest.raises(DomainError):
        apply(bob, published_opportunity)
    assert not Application.objects.exists()


def test_closed_draft_and_late_opportunities(
    alice: User, published_opportunity: Opportunity
) -> None:
    Opportunity.objects.filter(pk=published_opportunity.pk).update(
        apply_by=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(ConflictError) as err:
        apply(alice, published_opportunity)
    assert "Applications closed on" in err.value.message
    Opportunity.objects.filter(pk=published_opportunity.pk).update(apply_by=None, status="closed")
    with pytest.raises(ConflictError):
        apply(alice, published_opportunity)
    Opportunity.objects.filter(pk=published_opportunity.pk).update(status="draft")
    with pytest.raises(NotFound):
        apply(alice, published_opportunity)
    assert not Application.objects.exists()


def test_institution_only_and_invite_only_visibility(
    alice: User, bob: User, published_opportunity: Opportunity, uni: Organisation
) -> None:
    o = published_opportunity
    o.visibility = "institutions"
    o.save()
    o.allowed_institutions.add(uni)
    with pytest.raises(NotFound):
        apply(alice, o)
    Affiliation.objects.create(user=alice, institution=uni, email="alice@uni.example.edu")
    assert apply(alice, o).status == "submitted"

    Application.objects.all().delete()
    o.visibility = "invite_only"
    o.save()
    with pytest.raises(NotFound):
        apply(alice, o)
    services.apply_invite_create(actor=bob, opportunity_id=o.pk, candidate_id=alice.pk)
    assert apply(alice, o).status == "submitted"


@override_settings(STINT_OPEN_APPLICATION_CAP=2)
def test_open_application_cap(alice: User, acme: Organisation, bob: User, esco_skills) -> None:  # type: ignore[no-untyped-def]
    ops = [make_opportunity(acme, bob, esco_skills, title=f"Job {i}") for i in range(3)]
    apply(alice, ops[0])
    second = apply(alice, ops[1])
    with pytest.raises(ConflictError) as err:
        apply(alice, ops[2])
    assert err.value.code == "too_many_open"
    assert "2 open applications" in err.value.message
    services.application_withdraw(actor=alice, application_id=second.pk)
    assert apply(alice, ops[2]).status == "submitted"


def test_withdraw_while_not_accepted(
    alice: User, bob: User, published_opportunity: Opportunity
) -> None:
    a = apply(alice, published_opportunity)
    services.application_shortlist(actor=bob, application_id=a.pk)
    services.offer_make(actor=bob, application_id=a.pk)
    a = services.application_withdraw(actor=alice, application_id=a.pk)
    assert a.status == "withdrawn" and a.closed_at is not None
    assert Offer.objects.get().status == "withdrawn"
    assert "application.withdrawn" in kinds(bob)
    with pytest.raises(ConflictError):
        services.application_withdraw(actor=alice, application_id=a.pk)


def test_accepted_applications_cannot_be_withdrawn(
    alice: User, bob: User, published_opportunity: Opportunity
) -> None:
    a = apply(alice, published_opportunity)
    services.application_shortlist(actor=bob, application_id=a.pk)
    offer = services.offer_make(actor=bob, application_id=a.pk)
    services.offer_accept(actor=alice, offer_id=offer.pk)
    with pytest.raises(ConflictError):
        services.application_withdraw(actor=alice, application_id=a.pk)
    assert Application.objects.get(pk=a.pk).status == "accepted"


# --- The employer's pipeline -----------------------------------------------------------


def test_ranked_by_fit_with_explanations(
    alice: User, frank: User, published_opportunity: Opportunity
) -> None:
    a1 = apply(alice, published_opportunity)
    a2 = apply(frank, published_opportunity)
    Application.objects.filter(pk=a1.pk).update(fit_score=0.2)
    Application.objects.filter(pk=a2.pk).update(fit_score=0.9)
    ranked = list(selectors.applicants_ranked(published_opportunity))
    assert [a.pk for a in ranked] == [a2.pk, a1.pk]
    assert all(a.fit_explanation for a in ranked)


def test_shortlist_and_decline_tell_the_candidate(
    alice: User, frank: User, bob: User, published_opportunity: Opportunity
) -> None:
    a = apply(alice, published_opportunity)
    b = apply(frank, published_opportunity)
    a = services.application_shortlist(actor=bob, application_id=a.pk)
    assert a.status == "shortlisted" and a.first_response_at is not None
    b = services.application_decline(actor=bob, application_id=b.pk, reason="We need SQL depth.")
    assert b.status == "declined" and b.decline_reason == "We need SQL depth."
    assert kinds(alice) == ["application.shortlisted"]
    assert kinds(frank) == ["application.declined"]
    note = Notification.objects.get(user=frank)
    assert "We need SQL depth." in note.body and "Acme" in note.body
    with pytest.raises(ConflictError):
        services.application_shortlist(actor=bob, application_id=b.pk)


def test_candidate_cannot_act_as_employer(alice: User, published_opportunity: Opportunity) -> None:
    a = apply(alice, published_opportunity)
    for action in (
        services.application_shortlist,
        services.application_decline,
        services.offer_make,
    ):
        with pytest.raises(Forbidden):
            action(actor=alice, application_id=a.pk)
    with pytest.raises(NotFound):
        services.applications_bulk(
            actor=alice,
            opportunity_id=published_opportunity.pk,
            application_ids=[a.pk],
            action="shortlist",
        )
    assert Application.objects.get(pk=a.pk).status == "submitted"


def test_bulk_is_all_or_nothing(
    alice: User, frank: User, bob: User, published_opportunity: Opportunity
) -> None:
    a = apply(alice, published_opportunity)
    b = apply(frank, published_opportunity)
    services.application_decline(actor=bob, application_id=b.pk)
    Notification.objects.all().delete()
    with pytest.raises(ConflictError) as err:
        services.applications_bulk(
            actor=bob,
            opportunity_id=published_opportunity.pk,
            application_ids=[a.pk, b.pk],
            action="shortlist",
        )
    assert "Frank Candidate" in err.value.message and "Nothing was changed" in err.value.message
    assert Application.objects.get(pk=a.pk).status == "submitted"
    assert not Notification.objects.exists()
    done = services.applications_bulk(
        actor=bob,
        opportunity_id=published_opportunity.pk,
        application_ids=[a.pk],
        action="decline",
        reason="Filled internally.",
    )
    assert [x.status for x in done] == ["declined"]


def test_bulk_refuses_other_opportunities_applications(
    alice: User, frank: User, bob: User, published_opportunity: Opportunity, acme, esco_skills
) -> None:  # type: ignore[no-untyped-def]
    other = make_opportunity(acme, bob, esco_skills, title="Other")
    a = apply(alice, published_opportunity)
    b = apply(frank, other)
    with pytest.raises(NotFound):
        services.applications_bulk(
            actor=bob,
            opportunity_id=published_opportunity.pk,
            application_ids=[a.pk, b.pk],
            action="shortlist",
        )
    assert set(Application.objects.values_list("status", flat=True)) == {"submitted"}


# --- Offers -----------------------------------------------------------------------------


def _offered(alice: User, bob: User, opportunity: Opportunity) -> Offer:
    a = apply(alice, opportunity)
    services.application_shortlist(actor=bob, application_id=a.pk)
    return services.offer_make(actor=bob, application_id=a.pk)


@override_settings(STINT_OFFER_EXPIRY_DAYS=5)
def test_offer_defaults_from_the_opportunity(
    alice: User, bob: User, published_opportunity: Opportunity
) -> None:
    before = timezone.now()
    offer = _offered(alice, bob, published_opportunity)
    assert offer.fee_minor == 50_000 and offer.currency == "USD"
    assert "customer list" in offer.scope and "Deliverables:\nA cleaned CSV" in offer.scope
    assert timedelta(days=5) <= offer.expires_at - before < timedelta(days=5, minutes=1)
    assert offer.created_by == bob
    assert Application.objects.get().status == "offered"
    n = Notification.objects.get(user=alice, kind="offer.made")
    assert "500.00 USD" in n.body


def test_offer_needs_a_shortlist_and_cannot_be_made_twice(
    alice: User, bob: User, published_opportunity: Opportunity
) -> None:
    a = apply(alice, published_opportunity)
    with pytest.raises(ConflictError):
        services.offer_make(actor=bob, application_id=a.pk)
    services.application_shortlist(actor=bob, application_id=a.pk)
    services.offer_make(actor=bob, application_id=a.pk, fee_minor=60_000)
    with pytest.raises(ConflictError):
        services.offer_make(actor=bob, application_id=a.pk)
    assert Offer.objects.count() == 1 and Offer.objects.get().fee_minor == 60_000


def test_bad_offer_input_names_the_field(
    alice: User, bob: User, published_opportunity: Opportunity
) -> None:
    a = apply(alice, published_opportunity)
    services.application_shortlist(actor=bob, application_id=a.pk)
    with pytest.raises(DomainError) as err:
        services.offer_make(actor=bob, application_id=a.pk, fee_minor=0)
    assert err.value.field == "fee_minor"
    today = timezone.localdate()
    with pytest.raises(DomainError) as err:
        services.offer_make(
            actor=bob, application_id=a.pk, start_date=today, due_date=today - timedelta(days=1)
        )
    assert err.value.field == "due_date"
    assert not Offer.objects.exists()
    assert Application.objects.get(pk=a.pk).status == "shortlisted"


def test_accepting_the_last_opening_fills_and_kindly_closes_the_rest(
    alice: User, frank: User, bob: User, published_opportunity: Opportunity
) -> None:
    offer = _offered(alice, bob, published_opportunity)
    other = apply(frank, published_opportunity)
    Notification.objects.all().delete()
    offer = services.offer_accept(actor=alice, offer_id=offer.pk)
    assert offer.status == "accepted"
    o = Opportunity.objects.get(pk=published_opportunity.pk)
    assert o.filled_count == 1 and o.status == "filled"
    other.refresh_from_db()
    assert other.status == "auto_declined"
    assert "Acme filled 'Data cleanup' after choosing another candidate" in other.decline_reason
    note = Notification.objects.get(user=frank)
    assert note.kind == "application.declined" and "not about you" in note.body
    assert kinds(bob) == ["offer.accepted"]
    with pytest.raises(ConflictError):
        apply(make_user("late@example.com", candidate=True), published_opportunity)


def test_two_openings_take_two_acceptances(
    alice: User, frank: User, bob: User, acme: Organisation, esco_skills
) -> None:  # type: ignore[no-untyped-def]
    o = make_opportunity(acme, bob, esco_skills, openings=2)
    first = _offered(alice, bob, o)
    second = _offered(frank, bob, o)
    services.offer_accept(actor=alice, offer_id=first.pk)
    o.refresh_from_db()
    assert (o.filled_count, o.status) == (1, "published")
    services.offer_accept(actor=frank, offer_id=second.pk)
    o.refresh_from_db()
    assert (o.filled_count, o.status) == (2, "filled")


def test_only_the_candidate_accepts_and_only_before_expiry(
    alice: User, bob: User, published_opportunity: Opportunity
) -> None:
    offer = _offered(alice, bob, published_opportunity)
    with pytest.raises(Forbidden):
        services.offer_accept(actor=bob, offer_id=offer.pk)
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ConflictError) as err:
        services.offer_accept(actor=alice, offer_id=offer.pk)
    assert err.value.code == "offer_expired"
    assert Opportunity.objects.get(pk=published_opportunity.pk).filled_count == 0


def test_declining_an_offer(alice: User, bob: User, published_opportunity: Opportunity) -> None:
    offer = _offered(alice, bob, published_opportunity)
    offer = services.offer_decline(actor=alice, offer_id=offer.pk)
    assert offer.status == "declined"
    assert Application.objects.get().status == "offer_declined"
    assert "offer.declined" in kinds(bob)
    with pytest.raises(ConflictError):
        services.offer_accept(actor=alice, offer_id=offer.pk)


def test_expired_offers_task(alice: User, bob: User, published_opportunity: Opportunity) -> None:
    from stint.applications.tasks import expire_offers

    offer = _offered(alice, bob, published_opportunity)
    assert services.offers_expire_due() == 0
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    expire_offers.enqueue()
    offer.refresh_from_db()
    assert offer.status == "expired"
    assert Application.objects.get().status == "offer_expired"
    assert "offer.expired" in kinds(alice) and "offer.expired" in kinds(bob)
    assert services.offers_expire_due() == 0  # idempotent


def test_on_offer_accepted_is_the_engagement_hook(
    alice: User, bob: User, published_opportunity: Opportunity, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    seen = []
    from stint.applications.services import offer_decisions

    # Patched where offer_accept looks it up (the package re-exports it for callers).
    monkeypatch.setattr(offer_decisions, "on_offer_accepted", lambda offer: seen.append(offer.pk))
    offer = _offered(alice, bob, published_opportunity)
    services.offer_accept(actor=alice, offer_id=offer.pk)
    assert seen == [offer.pk]


# --- No ghosting ------------------------------------------------------------------------


@override_settings(STINT_AUTO_DECLINE_DAYS=21)
def test_stale_applications_are_closed_kindly(
    alice: User, frank: User, bob: User, published_opportunity: Opportunity
) -> None:
    from stint.applications.tasks import auto_decline_stale

    old = apply(alice, published_opportunity)
    fresh = apply(frank, published_opportunity)
    Application.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - timedelta(days=22),
        created_at=timezone.now() - timedelta(days=22),
    )
    auto_decline_stale.enqueue()
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == "auto_declined" and fresh.status == "submitted"
    assert "has not answered your application to 'Data cleanup' in 21 days" in old.decline_reason
    assert Notification.objects.filter(user=alice, kind="application.declined").count() == 1
    assert old.first_response_at is None  # the platform's closing is not the employer's answer
    assert services.applications_auto_decline_stale() == 0  # idempotent


def test_closing_an_opportunity_closes_its_applications(
    alice: User, frank: User, bob: User, published_opportunity: Opportunity
) -> None:
    a = apply(alice, published_opportunity)
    b = apply(frank, published_opportunity)
    services.application_decline(actor=bob, application_id=b.pk)
    assert services.applications_close_for_opportunity(opportunity_id=published_opportunity.pk) == 0
    Opportunity.objects.filter(pk=published_opportunity.pk).update(status="closed")
    assert services.applications_close_for_opportunity(opportunity_id=published_opportunity.pk) == 1
    a.refresh_from_db()
    assert a.status == "auto_declined"
    assert "Acme closed 'Data cleanup'" in a.decline_reason
    assert Application.objects.get(pk=b.pk).status == "declined"
    # The sweep also catches opportunities closed without the call.
    assert services.applications_auto_decline_stale() == 0


def test_the_sweep_closes_applications_of_opportunities_closed_elsewhere(
    alice: User, published_opportunity: Opportunity
) -> None:
    a = apply(alice, published_opportunity)
    Opportunity.objects.filter(pk=published_opportunity.pk).update(status="archived")
    assert services.applications_auto_decline_stale() == 1
    assert Application.objects.get(pk=a.pk).status == "auto_declined"


def test_employer_response_stats(
    alice: User, frank: User, bob: User, published_opportunity: Opportunity, acme
) -> None:  # type: ignore[no-untyped-def]
    a = apply(alice, published_opportunity)
    b = apply(frank, published_opportunity)
    now = timezone.now()
    Application.objects.filter(pk__in=[a.pk, b.pk]).update(created_at=now - timedelta(days=10))
    services.application_shortlist(actor=bob, application_id=a.pk)  # answered after 10 days
    stats = selectors.employer_response_stats(acme)
    assert stats.considered == 2 and stats.answered_in_window == 0
    assert stats.response_rate == 0.0
    assert stats.median_response_hours is not None and 239 < stats.median_response_hours < 241


# --- Invites ----------------------------------------------------------------------------


def test_invite_to_apply(
    alice: User, bob: User, carol: User, eve: User, published_opportunity: Opportunity
) -> None:
    invite = services.apply_invite_create(
        actor=bob, opportunity_id=published_opportunity.pk, candidate_id=alice.pk, message="Hi!"
    )
    assert invite.invited_by == bob
    n = Notification.objects.get(user=alice)
    assert (
        n.kind == "invite.received" and n.url == f"/applications/apply/{published_opportunity.pk}/"
    )
    with pytest.raises(ConflictError):
        services.apply_invite_create(
            actor=bob, opportunity_id=published_opportunity.pk, candidate_id=alice.pk
        )
    with pytest.raises(DomainError) as err:
        services.apply_invite_create(
            actor=bob, opportunity_id=published_opportunity.pk, candidate_id=eve.pk
        )
    assert err.value.field == "candidate_id"
    with pytest.raises(NotFound):
        services.apply_invite_create(
            actor=carol, opportunity_id=published_opportunity.pk, candidate_id=alice.pk
        )
    assert ApplyInvite.objects.count() == 1


# --- Emails and dashboards ----------------------------------------------------------------


def test_pipeline_steps_are_emailed_after_commit(
    alice: User, bob: User, published_opportunity: Opportunity, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        apply(alice, published_opportunity)
    assert [m.to for m in mail.outbox] == [["bob@acme.example"]]
    assert "applied to Data cleanup" in mail.outbox[0].subject
    assert mail.outbox[0].alternatives  # text and HTML


def test_dashboards(
    alice: User, frank: User, bob: User, published_opportunity: Opportunity
) -> None:
    offer = _offered(alice, bob, published_opportunity)
    apply(frank, published_opportunity)
    d = selectors.dashboard_candidate(alice)
    assert d.open_count == 1 and [o.pk for o in d.pending_offers] == [offer.pk]
    rows = selectors.dashboard_employer(bob)
    assert [(r.opportunity.pk, r.waiting) for r in rows] == [(published_opportunity.pk, 1)]
    assert selectors.dashboard_employer(alice) == []
