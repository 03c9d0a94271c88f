"""Services: double-blind reviews and their timing, verified skills feeding the
profile, portfolio settings, follow-up offers and the employer's follow-up rate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError, Forbidden, NotFound
from stint.engagements.models import Engagement
from stint.matching.engine import candidate_data
from stint.notifications.models import Notification
from stint.orgs.models import Organisation
from stint.profiles.models import CandidateProfile, SkillClaim
from stint.reviews import selectors, services
from stint.reviews.models import FollowUpOffer, Review, VerifiedSkill
from tests.reviews.conftest import CANDIDATE_RATINGS, EMPLOYER_RATINGS, make_engagement

pytestmark = pytest.mark.django_db


def _sides(user: User, engagement: Engagement) -> set[str]:
    return {r.side for r in selectors.reviews_for(actor=user, engagement_id=engagement.pk)[2]}


# --- Double-blind -------------------------------------------------------------------------


def test_each_side_sees_only_its_own_until_both_are_in(
    approved: Engagement, alice: User, bob: User
) -> None:
    services.review_create(
        actor=bob, engagement_id=approved.pk, ratings=EMPLOYER_RATINGS, text="Great"
    )
    assert _sides(bob, approved) == {"employer"}
    assert _sides(alice, approved) == set()
    state = selectors.review_state(actor=alice, engagement_id=approved.pk)
    assert state.other_in and state.refusal is None
    services.review_create(actor=alice, engagement_id=approved.pk, ratings=CANDIDATE_RATINGS)
    assert _sides(alice, approved) == {"employer", "candidate"}
    assert _sides(bob, approved) == {"employer", "candidate"}
    # The candidate is told that reviews are visible.
    assert Notification.objects.filter(user=alice, kind="review.received").exists()


def test_reveal_after_the_delay_and_window_closes(
    opportunity,
    alice: User,
    bob: User,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.STINT_REVIEW_REVEAL_DAYS = 14
    with freeze_time("2026-03-01 12:00:00"):
        engagement = make_engagement(opportunity, alice, status="approved")
    with freeze_time("2026-03-05 12:00:00"):
        services.review_create(actor=bob, engagement_id=engagement.pk, ratings=EMPLOYER_RATINGS)
        assert _sides(alice, engagement) == set()
    with freeze_time("2026-03-15 11:59:59"):
        assert _sides(alice, engagement) == set()
    with freeze_time("2026-03-15 12:00:00"):
        assert _sides(alice, engagement) == {"employer"}
    with freeze_time("2026-03-15 12:00:01"):
        with pytest.raises(ConflictError) as exc:
            services.review_create(
                actor=alice, engagement_id=engagement.pk, ratings=CANDIDATE_RATINGS
            )
        assert exc.value.code == "review_window_closed"
    assert Review.objects.filter(engagement=engagement).count() == 1


def test_second_review_reveals_both_at_once(opportunity, alice: User, bob: User) -> None:  # type: ignore[no-untyped-def]
    with freeze_time("2026-03-01 12:00:00"):
        engagement = make_engagement(opportunity, alice, status="paid")
    with freeze_time("2026-03-02 12:00:00"):
        services.review_create(actor=alice, engagement_id=engagement.pk, ratings=CANDIDATE_RATINGS)
    with freeze_time("2026-03-03 12:00:00"):
        services.review_create(actor=bob, engagement_id=engagement.pk, ratings=EMPLOYER_RATINGS)
        visible = set(
            Review.objects.filter(engagement=engagement).values_list("visible_at", flat=True)
        )
        assert visible == {timezone.now()}


def test_review_once_per_side_and_only_after_approval(
    approved: Engagement,
    opportunity,
    alice: User,
    bob: User,
    acme_member: User,  # type: ignore[no-untyped-def]
) -> None:
    services.review_create(actor=bob, engagement_id=approved.pk, ratings=EMPLOYER_RATINGS)
    with pytest.raises(ConflictError):
        services.review_create(
            actor=acme_member, engagement_id=approved.pk, ratings=EMPLOYER_RATINGS
        )
    in_progress = make_engagement(
        opportunity.__class__.objects.get(pk=opportunity.pk),
        _other_candidate(),
        status="in_progress",
    )
    with pytest.raises(ConflictError) as exc:
        services.review_create(actor=bob, engagement_id=in_progress.pk, ratings=EMPLOYER_RATINGS)
    assert exc.value.code == "not_approved"


def _other_candidate() -> User:
    from tests.personas import make_user

    return make_user("frank@example.com", candidate=True, name="Frank")


def test_bad_ratings_name_the_field_and_change_nothing(approved: Engagement, bob: User) -> None:
    cases = [
        ({**EMPLOYER_RATINGS, "quality": 6}, {}, "ratings.quality"),
        (
            {k: v for k, v in EMPLOYER_RATINGS.items() if k != "timeliness"},
            {},
            "ratings.timeliness",
        ),
        (CANDIDATE_RATINGS, {}, "ratings.clarity"),
        (EMPLOYER_RATINGS, {"http://not-required": 3}, "skill_ratings.http://not-required"),
    ]
    for ratings, skill_ratings, field in cases:
        with pytest.raises(DomainError) as exc:
            services.review_create(
                actor=bob, engagement_id=approved.pk, ratings=ratings, skill_ratings=skill_ratings
            )
        assert exc.value.field == field
    with pytest.raises(DomainError) as exc:
        services.review_create(
            actor=bob, engagement_id=approved.pk, ratings=EMPLOYER_RATINGS, text="x" * 4001
        )
    assert exc.value.field == "text"
    assert Review.objects.count() == 0


def test_candidate_cannot_rate_or_verify_skills(approved: Engagement, alice: User) -> None:
    skill_id = approved.opportunity.skills.first().skill_id
    with pytest.raises(DomainError) as exc:
        services.review_create(
            actor=alice,
            engagement_id=approved.pk,
            ratings=CANDIDATE_RATINGS,
            skill_ratings={skill_id: 5},
        )
    assert exc.value.field == "skill_ratings"
    with pytest.raises(DomainError) as exc:
        services.review_create(
            actor=alice,
            engagement_id=approved.pk,
            ratings=CANDIDATE_RATINGS,
            verified_skills={skill_id: 3},
        )
    assert exc.value.field == "verified_skills"
    with pytest.raises(Forbidden):
        services.verified_skills_confirm(
            actor=alice, engagement_id=approved.pk, levels={skill_id: 3}
        )
    assert Review.objects.count() == 0 and VerifiedSkill.objects.count() == 0


def test_outsiders_cannot_review(
    approved: Engagement, carol: User, globex: Organisation, eve: User, root: User
) -> None:
    for user in (carol, eve):
        with pytest.raises(NotFound):
            services.review_create(actor=user, engagement_id=approved.pk, ratings=EMPLOYER_RATINGS)
    with pytest.raises(Forbidden):
        services.review_create(actor=root, engagement_id=approved.pk, ratings=EMPLOYER_RATINGS)
    assert Review.objects.count() == 0


# --- Transparent reputation ----------------------------------------------------------------


def test_reputation_counts_only_visible_reviews(
    approved: Engagement, paid: Engagement, alice: User, bob: User
) -> None:
    services.review_create(actor=bob, engagement_id=approved.pk, ratings=EMPLOYER_RATINGS)
    assert selectors.candidate_reputation(alice).reputation.count == 0
    services.review_create(actor=alice, engagement_id=approved.pk, ratings=CANDIDATE_RATINGS)
    rep = selectors.candidate_reputation(alice).reputation
    assert rep.count == 1 and rep.overall == 4.5
    employer = selectors.employer_reputation(actor=bob, org=approved.employer).reputation
    assert employer.count == 1 and employer.overall == 4.75


# --- Verified skills -------------------------------------------------------------------------


def test_verified_skills_upsert_claims_and_feed_the_engine(
    approved: Engagement, paid: Engagement, alice: User, bob: User, acme_member: User
) -> None:
    python, sql = [s.skill_id for s in approved.opportunity.skills.order_by("need")]
    profile = CandidateProfile.objects.create(user=alice)
    SkillClaim.objects.create(
        profile=profile, skill_id=python, label="Python", level=4, source="self"
    )
    services.review_create(
        actor=bob,
        engagement_id=approved.pk,
        ratings=EMPLOYER_RATINGS,
        skill_ratings={python: 5},
        verified_skills={python: 2},
    )
    claim = SkillClaim.objects.get(profile=profile, skill_id=python)
    assert (claim.source, claim.level) == ("verified", 2)
    # A second employer verification at a higher level raises the claim; a lower one does not lower it.
    services.verified_skills_confirm(
        actor=acme_member,
        engagement_id=paid.pk,
        levels={python: 3, paid.opportunity.skills.exclude(skill_id=python).first().skill_id: 1},
    )
    services.verified_skills_confirm(actor=bob, engagement_id=approved.pk, levels={python: 1})
    claim.refresh_from_db()
    assert (claim.source, claim.level) == ("verified", 3)
    assert SkillClaim.objects.get(profile=profile, skill_id=sql).source == "verified"
    assert VerifiedSkill.objects.filter(candidate=alice).count() == 3
    data = candidate_data(alice)
    assert data.skills[python].source == "verified" and data.skills[python].level == 3
    assert Notification.objects.filter(user=alice, kind="skills.verified").exists()


def test_verify_creates_a_profile_when_missing(
    approved: Engagement, alice: User, bob: User
) -> None:
    skill = approved.opportunity.skills.first()
    services.verified_skills_confirm(
        actor=bob, engagement_id=approved.pk, levels={skill.skill_id: 2}
    )
    assert SkillClaim.objects.get(profile__user=alice).source == "verified"


def test_verify_rejects_unknown_skills_and_levels(
    approved: Engagement, bob: User, alice: User
) -> None:
    skill = approved.opportunity.skills.first()
    for levels, field in [
        ({}, "skills"),
        ({"nope": 2}, "skills"),
        ({skill.skill_id: 5}, f"skills.{skill.skill_id}"),
    ]:
        with pytest.raises(DomainError) as exc:
            services.verified_skills_confirm(actor=bob, engagement_id=approved.pk, levels=levels)
        assert exc.value.field == field
    assert (
        VerifiedSkill.objects.count() == 0
        and not SkillClaim.objects.filter(profile__user=alice).exists()
    )


def test_non_members_cannot_verify(approved: Engagement, carol: User, globex, eve: User) -> None:  # type: ignore[no-untyped-def]
    skill = approved.opportunity.skills.first()
    for user in (carol, eve):
        with pytest.raises(NotFound):
            services.verified_skills_confirm(
                actor=user, engagement_id=approved.pk, levels={skill.skill_id: 2}
            )
    assert VerifiedSkill.objects.count() == 0


# --- Portfolio -------------------------------------------------------------------------------


def test_portfolio_private_by_default_and_slug_rules(alice: User, bob: User) -> None:
    p = services.portfolio_get_or_create(actor=alice)
    assert p.public is False and p.slug == "alice-candidate"
    p = services.portfolio_update(actor=alice, public=True, headline="Data tidier", slug="alice")
    assert (p.public, p.headline, p.slug) == (True, "Data tidier", "alice")
    with pytest.raises(Forbidden):
        services.portfolio_get_or_create(actor=bob)  # not a candidate
    bob.is_candidate = True
    bob.save()
    for slug, field in [("alice", "slug"), ("verify", "slug"), ("A!", "slug")]:
        with pytest.raises(DomainError) as exc:
            services.portfolio_update(actor=bob, slug=slug)
        assert exc.value.field == field
    with pytest.raises(DomainError) as exc:
        services.portfolio_update(actor=bob, headline="x" * 141)
    assert exc.value.field == "headline"


def test_private_portfolio_is_404_except_for_its_owner(alice: User, eve: User) -> None:
    p = services.portfolio_get_or_create(actor=alice)
    assert selectors.portfolio_page(viewer=alice, slug=p.slug).is_owner
    with pytest.raises(NotFound):
        selectors.portfolio_page(viewer=eve, slug=p.slug)


# --- Follow-ups --------------------------------------------------------------------------------


def test_follow_up_offer_accept_and_rate(
    paid: Engagement, approved: Engagement, alice: User, bob: User, acme_member: User
) -> None:
    stats = selectors.employer_stats(paid.employer)
    assert (stats.follow_up_offer_rate, stats.completed_engagements) == (0.0, 1)
    offer = services.follow_up_create(
        actor=acme_member,
        engagement_id=paid.pk,
        kind="job",
        role_title="Junior analyst",
        message="Join us!",
    )
    assert Notification.objects.filter(user=alice, kind="follow_up.offered").exists()
    with pytest.raises(ConflictError):
        services.follow_up_create(actor=bob, engagement_id=paid.pk, kind="job", role_title="Again")
    with pytest.raises(Forbidden):
        services.follow_up_accept(actor=bob, follow_up_id=offer.pk)
    offer = services.follow_up_accept(actor=alice, follow_up_id=offer.pk)
    assert offer.status == "accepted" and offer.decided_at is not None
    with pytest.raises(ConflictError):
        services.follow_up_decline(actor=alice, follow_up_id=offer.pk)
    assert Notification.objects.filter(user=bob, kind="follow_up.decided").exists()
    stats = selectors.employer_stats(paid.employer)
    assert (stats.follow_up_offer_rate, stats.completed_engagements) == (1.0, 1)
    # Only paid engagements can be followed up.
    with pytest.raises(ConflictError) as exc:
        services.follow_up_create(
            actor=bob, engagement_id=approved.pk, kind="job", role_title="Analyst"
        )
    assert exc.value.code == "not_paid"


def test_follow_up_decline_and_withdraw(paid: Engagement, alice: User, bob: User) -> None:
    offer = services.follow_up_create(
        actor=bob, engagement_id=paid.pk, kind="internship", role_title="Intern"
    )
    assert services.follow_up_decline(actor=alice, follow_up_id=offer.pk).status == "declined"
    again = services.follow_up_create(
        actor=bob, engagement_id=paid.pk, kind="project", role_title="Phase 2"
    )
    with pytest.raises(Forbidden):
        services.follow_up_withdraw(actor=alice, follow_up_id=again.pk)
    assert services.follow_up_withdraw(actor=bob, follow_up_id=again.pk).status == "withdrawn"


def test_follow_up_bad_input_and_outsiders(
    paid: Engagement, bob: User, carol: User, globex, eve: User
) -> None:  # type: ignore[no-untyped-def]
    for kwargs, field in [
        ({"kind": "gig", "role_title": "Analyst"}, "kind"),
        ({"kind": "job", "role_title": " "}, "role_title"),
        ({"kind": "job", "role_title": "x" * 141}, "role_title"),
        ({"kind": "job", "role_title": "Analyst", "message": "x" * 4001}, "message"),
    ]:
        with pytest.raises(DomainError) as exc:
            services.follow_up_create(actor=bob, engagement_id=paid.pk, **kwargs)
        assert exc.value.field == field
    for user in (carol, eve):
        with pytest.raises(NotFound):
            services.follow_up_create(
                actor=user, engagement_id=paid.pk, kind="job", role_title="Analyst"
            )
    assert FollowUpOffer.objects.count() == 0


# --- Outcomes ------------------------------------------------------------------------------------


def test_outcomes(opportunity, alice: User, bob: User, acme: Organisation) -> None:  # type: ignore[no-untyped-def]
    from stint.matching.engine import taxonomy
    from stint.profiles.models import CareerGoal

    occupation_id = next(o for o in taxonomy().occupations if taxonomy().occupation_skills(o)[0])
    essential = taxonomy().occupation_skills(occupation_id)[0]
    profile = CandidateProfile.objects.create(user=alice)
    CareerGoal.objects.create(profile=profile, occupation_id=occupation_id, label="Goal job")
    with freeze_time("2026-01-10 12:00:00"):
        SkillClaim.objects.create(profile=profile, skill_id=essential[0], label="first", level=2)
    with freeze_time("2026-02-10 12:00:00"):
        engagement = make_engagement(opportunity, alice, status="paid", fee_minor=40_000)
    with freeze_time("2026-03-15 12:00:00"):
        skill = engagement.opportunity.skills.first()
        services.verified_skills_confirm(
            actor=bob, engagement_id=engagement.pk, levels={skill.skill_id: 2}
        )
        out = selectors.candidate_outcomes(alice)
        assert out.months[-1] == "2026-03"
        assert out.earnings[0].name == "USD" and out.earnings[0].values[-2] == 400.0
        assert out.verified_cumulative[-2:] == [0, 1]
        goal = out.goals[0]
        assert goal.coverage[-3] == round(100 / len(set(essential)))
        assert (
            "<svg" in out.goals_chart
            and "<svg" in out.earnings_chart
            and "<svg" in out.skills_chart
        )
        emp = selectors.employer_outcomes(acme)
        assert emp.completed == 1 and emp.completion_rate == 1.0 and emp.follow_up_rate == 0.0
        assert emp.spend[0].values[-2] == 400.0
        assert "<svg" in emp.spend_chart and "<svg" in emp.rates_chart
        assert emp.as_json()["completed_engagements"] == 1


def test_time_to_fill(opportunity, alice: User, acme: Organisation) -> None:  # type: ignore[no-untyped-def]
    opportunity.published_at = timezone.now() - timedelta(days=4)
    opportunity.save()
    make_engagement(opportunity, alice, status="approved")  # its offer was accepted now
    out = selectors.employer_outcomes(acme)
    assert out.fills == [{"title": opportunity.title, "days": 4.0}]
    assert out.median_days_to_fill == 4.0
