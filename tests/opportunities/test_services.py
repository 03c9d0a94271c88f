from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from stint.accounts.models import User
from stint.applications.models import Application
from stint.core.errors import ConflictError, DomainError, Forbidden, NotFound
from stint.opportunities import services
from stint.opportunities.models import Opportunity, RequiredSkill, ScreeningQuestion
from stint.orgs.models import Organisation
from tests.opportunities.conftest import PYTHON, SQL, future, posting

pytestmark = pytest.mark.django_db


def test_a_member_creates_a_draft_with_skills_questions_and_clarity(
    bob: User, acme: Organisation
) -> None:
    o = services.opportunity_create(actor=bob, organisation_id=acme.pk, posting=posting())
    assert o.status == "draft" and o.employer == acme and o.created_by == bob
    assert {(s.skill_id, s.need, s.level) for s in o.skills.all()} == {
        (SQL, "essential", 2),
        (PYTHON, "nice", 1),
    }
    assert o.skills.get(skill_id=SQL).label == "SQL"
    assert [q.text for q in o.questions.all()] == ["Which tools have you used?"]
    assert o.clarity_score is not None and o.clarity_score >= 80


def test_clarity_score_drops_for_a_vague_posting(bob: User, acme: Organisation) -> None:
    o = services.opportunity_create(
        actor=bob,
        organisation_id=acme.pk,
        posting=posting(title="Intern", deliverables="", skills=(), due_date=None),
    )
    assert o.clarity_score is not None and o.clarity_score < 50


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"estimated_hours": 4}, "estimated_hours"),
        ({"estimated_hours": 41}, "estimated_hours"),
        ({"fee_minor": 19999}, "fee_minor"),  # 10 h at the 20.00/h minimum needs 200.00
        ({"currency": "XYZ"}, "currency"),
        ({"start_date": future(10), "due_date": future(9)}, "due_date"),
        ({"apply_by": future(11), "start_date": future(10)}, "apply_by"),
        ({"skills": (services.SkillNeed("no-such-skill"),)}, "skills"),
        ({"skills": (services.SkillNeed(SQL, "essential", 5),)}, "skills"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"work_mode": "onsite", "location_country": ""}, "location_country"),
        ({"visibility": "institutions", "allowed_institution_ids": ()}, "allowed_institution_ids"),
        ({"openings": 0}, "openings"),
        ({"title": "  "}, "title"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    bob: User, acme: Organisation, changes: dict, field: str
) -> None:
    with pytest.raises(DomainError) as err:
        services.opportunity_create(actor=bob, organisation_id=acme.pk, posting=posting(**changes))
    assert err.value.field == field
    assert Opportunity.objects.count() == 0
    assert RequiredSkill.objects.count() == 0 and ScreeningQuestion.objects.count() == 0


def test_the_pay_message_names_the_minimum_in_the_postings_currency(
    bob: User, acme: Organisation
) -> None:
    with pytest.raises(DomainError) as err:
        services.opportunity_create(
            actor=bob,
            organisation_id=acme.pk,
            posting=posting(currency="EUR", fee_minor=10000, estimated_hours=10),
        )
    assert "20.00 EUR per hour" in err.value.message
    assert "200.00 EUR" in err.value.message
    with override_settings(STINT_MIN_HOURLY_RATES={**settings.STINT_MIN_HOURLY_RATES, "JPY": 1500}):
        o = services.opportunity_create(
            actor=bob,
            organisation_id=acme.pk,
            posting=posting(currency="JPY", fee_minor=15000, estimated_hours=10),
        )
    assert o.fee_minor == 15000


def test_pay_floors_are_per_currency_including_zero_decimal_yen(
    bob: User, acme: Organisation
) -> None:
    """Floors are set per currency in its own minor units: 1,500 JPY (no decimals)
    is not 15.00 of anything."""
    rates = {**settings.STINT_MIN_HOURLY_RATES, "JPY": 1500, "EUR": 2500}
    with override_settings(STINT_MIN_HOURLY_RATES=rates):
        with pytest.raises(DomainError) as err:
            services.opportunity_create(
                actor=bob,
                organisation_id=acme.pk,
                posting=posting(currency="JPY", fee_minor=14_999, estimated_hours=10),
            )
        assert err.value.field == "fee_minor"
        assert "1,500 JPY per hour" in err.value.message and "15,000 JPY" in err.value.message
        ok = services.opportunity_create(
            actor=bob,
            organisation_id=acme.pk,
            posting=posting(currency="JPY", fee_minor=15_000, estimated_hours=10),
        )
        assert ok.fee_minor == 15_000
        with pytest.raises(DomainError) as err:
            services.opportunity_create(
                actor=bob,
                organisation_id=acme.pk,
                posting=posting(currency="EUR", fee_minor=20_000, estimated_hours=10),
            )
        assert "25.00 EUR per hour" in err.value.message


def test_floor_settings_parse_currency_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from stint.config.env import env_rates

    monkeypatch.setenv("STINT_MIN_HOURLY_RATES", "gbp:1500, JPY:1800")
    assert env_rates("STINT_MIN_HOURLY_RATES") == {"GBP": 1500, "JPY": 1800}
    monkeypatch.setenv("STINT_MIN_HOURLY_RATES", "GBP=15")
    with pytest.raises(ImproperlyConfigured, match="CURRENCY:MINOR_UNITS"):
        env_rates("STINT_MIN_HOURLY_RATES")


def test_only_institutions_can_be_chosen(
    bob: User, acme: Organisation, globex: Organisation, uni: Organisation
) -> None:
    with pytest.raises(DomainError) as err:
        services.opportunity_create(
            actor=bob,
            organisation_id=acme.pk,
            posting=posting(visibility="institutions", allowed_institution_ids=(globex.pk,)),
        )
    assert err.value.field == "allowed_institution_ids"
    o = services.opportunity_create(
        actor=bob,
        organisation_id=acme.pk,
        posting=posting(visibility="institutions", allowed_institution_ids=(uni.pk,)),
    )
    assert list(o.allowed_institutions.all()) == [uni]


def test_candidates_outsiders_and_institutions_cannot_post(
    alice: User,
    carol: User,
    globex: Organisation,
    acme: Organisation,
    dana: User,
    uni: Organisation,
) -> None:
    with pytest.raises(NotFound):
        services.opportunity_create(actor=alice, organisation_id=acme.pk, posting=posting())
    with pytest.raises(NotFound):
        services.opportunity_create(actor=carol, organisation_id=acme.pk, posting=posting())
    with pytest.raises(DomainError):
        services.opportunity_create(actor=dana, organisation_id=uni.pk, posting=posting())
    assert Opportunity.objects.count() == 0


def test_lifecycle_follows_the_table_and_records_closing(
    bob: User, make_opportunity: Callable[..., Opportunity]
) -> None:
    o = make_opportunity(publish=False)
    with pytest.raises(ConflictError):
        services.opportunity_close(actor=bob, opportunity_id=o.pk)
    o = services.opportunity_publish(actor=bob, opportunity_id=o.pk)
    assert o.status == "published" and o.published_at is not None and o.closed_at is None
    with pytest.raises(ConflictError):
        services.opportunity_publish(actor=bob, opportunity_id=o.pk)
    with pytest.raises(ConflictError):
        services.opportunity_archive(actor=bob, opportunity_id=o.pk)
    o = services.opportunity_mark_filled(actor=bob, opportunity_id=o.pk)
    assert o.status == "filled" and o.closed_at is not None
    o = services.opportunity_archive(actor=bob, opportunity_id=o.pk)
    assert o.status == "archived"
    with pytest.raises(ConflictError):
        services.opportunity_publish(actor=bob, opportunity_id=o.pk)
    other = make_opportunity()
    closed = services.opportunity_close(actor=bob, opportunity_id=other.pk)
    assert closed.status == "closed" and closed.closed_at is not None


def test_only_verified_employers_publish(
    carol: User, globex: Organisation, make_opportunity: Callable[..., Opportunity]
) -> None:
    o = make_opportunity(publish=False, actor=carol, org=globex)
    with pytest.raises(DomainError) as err:
        services.opportunity_publish(actor=carol, opportunity_id=o.pk)
    assert err.value.code == "employer_not_verified"
    assert "verified" in err.value.message
    o.refresh_from_db()
    assert o.status == "draft" and o.published_at is None


def test_other_employers_and_admins_cannot_change_postings(
    carol: User, globex: Organisation, root: User, opportunity: Opportunity
) -> None:
    with pytest.raises(NotFound):
        services.opportunity_close(actor=carol, opportunity_id=opportunity.pk)
    with pytest.raises(NotFound):
        services.opportunity_update(
            actor=carol, opportunity_id=opportunity.pk, posting=posting(title="Hacked title")
        )
    with pytest.raises(Forbidden):
        services.opportunity_close(actor=root, opportunity_id=opportunity.pk)
    opportunity.refresh_from_db()
    assert opportunity.status == "published" and opportunity.title != "Hacked title"


def _apply(opportunity: Opportunity, user: User) -> Application:
    return Application.objects.create(opportunity=opportunity, candidate=user)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"fee_minor": 40000}, "fee_minor"),
        ({"estimated_hours": 12}, "estimated_hours"),
        ({"deliverables": "- A dashboard of churn by month"}, "deliverables"),
        ({"skills": (services.SkillNeed(PYTHON, "nice", 1),)}, "skills"),
        ({"skills": (services.SkillNeed(SQL, "nice", 2),)}, "skills"),
        ({"due_date": future(20)}, "due_date"),
        ({"currency": "EUR"}, "currency"),
        ({"work_mode": "onsite", "location_country": "DE"}, "work_mode"),
    ],
)
def test_once_people_applied_pay_and_scope_cannot_shrink(
    bob: User, alice: User, opportunity: Opportunity, changes: dict, field: str
) -> None:
    _apply(opportunity, alice)
    before = services.posting_of(opportunity)
    with pytest.raises(DomainError) as err:
        services.opportunity_update(
            actor=bob, opportunity_id=opportunity.pk, posting=posting(**changes)
        )
    assert err.value.field == field
    opportunity.refresh_from_db()
    assert services.posting_of(opportunity) == before


def test_once_people_applied_adding_and_extending_is_fine(
    bob: User, alice: User, opportunity: Opportunity
) -> None:
    _apply(opportunity, alice)
    richer = posting(
        fee_minor=60000,
        estimated_hours=8,
        deliverables=posting().deliverables + "\n- A one-page summary of findings",
        summary=posting().summary + " Our data lives in PostgreSQL.",
        due_date=future(40),
        openings=2,
        skills=(
            *posting().skills,
            services.SkillNeed("ccd0a1d9-afda-43d9-b901-96344886e14d", "essential", 2),
        ),
    )
    o = services.opportunity_update(actor=bob, opportunity_id=opportunity.pk, posting=richer)
    assert o.fee_minor == 60000 and o.openings == 2 and o.due_date == future(40)


def test_without_applications_anything_valid_may_change(
    bob: User, opportunity: Opportunity
) -> None:
    o = services.opportunity_update(
        actor=bob, opportunity_id=opportunity.pk, posting=posting(fee_minor=30000, skills=())
    )
    assert o.fee_minor == 30000 and o.skills.count() == 0


def test_closed_postings_cannot_be_edited(bob: User, opportunity: Opportunity) -> None:
    services.opportunity_close(actor=bob, opportunity_id=opportunity.pk)
    with pytest.raises(ConflictError):
        services.opportunity_update(actor=bob, opportunity_id=opportunity.pk, posting=posting())


def test_openings_cannot_drop_below_filled(bob: User, opportunity: Opportunity) -> None:
    services.opportunity_update(
        actor=bob, opportunity_id=opportunity.pk, posting=posting(openings=3)
    )
    Opportunity.objects.filter(pk=opportunity.pk).update(filled_count=2)
    with pytest.raises(DomainError) as err:
        services.opportunity_update(
            actor=bob, opportunity_id=opportunity.pk, posting=posting(openings=1)
        )
    assert err.value.field == "openings"


def test_screening_questions_keep_their_rows_when_unchanged(
    bob: User, opportunity: Opportunity
) -> None:
    first = opportunity.questions.get()
    services.opportunity_update(
        actor=bob,
        opportunity_id=opportunity.pk,
        posting=posting(
            questions=(
                services.Question("Which tools have you used?"),
                services.Question("Why us?", False),
            )
        ),
    )
    assert [(q.pk == first.pk, q.text, q.required) for q in opportunity.questions.all()] == [
        (True, "Which tools have you used?", True),
        (False, "Why us?", False),
    ]


def test_publishing_with_a_past_apply_by_date_is_refused(
    bob: User, make_opportunity: Callable[..., Opportunity]
) -> None:
    o = make_opportunity(publish=False)
    Opportunity.objects.filter(pk=o.pk).update(apply_by=timezone.localdate() - timedelta(days=1))
    with pytest.raises(DomainError) as err:
        services.opportunity_publish(actor=bob, opportunity_id=o.pk)
    assert err.value.field == "apply_by"
