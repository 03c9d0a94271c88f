from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError, Forbidden, NotFound
from stint.orgs.models import Affiliation, Organisation
from stint.profiles import selectors, services
from stint.profiles.models import (
    AvailabilityWindow,
    CandidateProfile,
    CareerGoal,
    Education,
    SkillClaim,
)
from tests.profiles.conftest import DATA_ANALYST, PYTHON, SQL

pytestmark = pytest.mark.django_db


def test_a_candidate_gets_a_profile_on_first_use_and_others_do_not(alice: User, eve: User) -> None:
    profile = services.profile_get_or_create(actor=alice)
    assert services.profile_get_or_create(actor=alice).pk == profile.pk
    with pytest.raises(Forbidden):
        services.profile_get_or_create(actor=eve)
    with pytest.raises(Forbidden):
        services.skill_add(actor=eve, skill_id=PYTHON, level=2)
    assert CandidateProfile.objects.count() == 1


def test_update_cleans_and_saves_every_field(alice: User) -> None:
    profile = services.profile_update(
        actor=alice,
        headline="  Economics student who loves data ",
        bio="I like spreadsheets.",
        location_country="gb",
        location_city="Leeds",
        time_zone="Europe/London",
        remote_preference="remote",
        hours_per_week=12,
        interests=["climate", " Climate ", "health"],
        industries=["fintech"],
        links=["github.com/alice", "https://alice.dev", "https://alice.dev"],
    )
    profile.refresh_from_db()
    assert profile.headline == "Economics student who loves data"
    assert profile.location_country == "GB" and profile.time_zone == "Europe/London"
    assert profile.interests == ["climate", "health"]
    assert profile.links == ["https://github.com/alice", "https://alice.dev"]
    # None leaves a field alone.
    services.profile_update(actor=alice, headline="New")
    profile.refresh_from_db()
    assert profile.headline == "New" and profile.hours_per_week == 12


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"location_country": "UK"}, "location_country"),
        ({"links": ["javascript:alert(1)"]}, "links"),
        ({"links": [f"https://e{i}.example" for i in range(6)]}, "links"),
        ({"hours_per_week": 0}, "hours_per_week"),
        ({"hours_per_week": 61}, "hours_per_week"),
        ({"remote_preference": "moon"}, "remote_preference"),
        ({"interests": [f"tag{i}" for i in range(11)]}, "interests"),
        ({"industries": ["x" * 41]}, "industries"),
        ({"headline": "x" * 141}, "headline"),
    ],
)
def test_a_bad_field_is_named_and_nothing_is_saved(
    alice: User, change: dict[str, object], field: str
) -> None:
    services.profile_update(actor=alice, headline="Before", time_zone="UTC")
    with pytest.raises(DomainError) as err:
        # A good change alongside the bad one is not saved either.
        services.profile_update(actor=alice, **{"bio": "After", **change})  # type: ignore[arg-type]
    assert err.value.field == field
    profile = CandidateProfile.objects.get(user=alice)
    assert profile.headline == "Before" and profile.time_zone == "UTC" and profile.bio == ""
    assert profile.links == [] and profile.interests == [] and profile.hours_per_week == 10


def test_skills_are_checked_against_the_taxonomy_and_levels(alice: User) -> None:
    claim = services.skill_add(actor=alice, skill_id=PYTHON, level=3)
    assert claim.label == "Python (computer programming)" and claim.source == "self"
    with pytest.raises(DomainError) as err:
        services.skill_add(actor=alice, skill_id="no-such-skill", level=2)
    assert err.value.field == "skill_id"
    with pytest.raises(DomainError) as err:
        services.skill_add(actor=alice, skill_id=SQL, level=5)
    assert err.value.field == "level"
    with pytest.raises(ConflictError):
        services.skill_add(actor=alice, skill_id=PYTHON, level=1)
    assert list(SkillClaim.objects.values_list("skill_id", "level")) == [(PYTHON, 3)]
    services.skill_update(actor=alice, claim_id=claim.pk, level=4)
    assert SkillClaim.objects.get(pk=claim.pk).level == 4
    with pytest.raises(DomainError):
        services.skill_update(actor=alice, claim_id=claim.pk, level=0)
    services.skill_remove(actor=alice, claim_id=claim.pk)
    assert not SkillClaim.objects.exists()


def test_a_verified_level_stays_as_the_employer_confirmed(alice: User) -> None:
    claim = services.skill_add(actor=alice, skill_id=PYTHON, level=3)
    SkillClaim.objects.filter(pk=claim.pk).update(source="verified")
    with pytest.raises(ConflictError):
        services.skill_update(actor=alice, claim_id=claim.pk, level=4)
    assert SkillClaim.objects.get(pk=claim.pk).level == 3


def test_nobody_reaches_into_another_profile_by_id(alice: User) -> None:
    from tests.personas import make_user

    other = make_user("other@example.com", candidate=True)
    claim = services.skill_add(actor=alice, skill_id=PYTHON, level=2)
    goal = services.goal_add(actor=alice, occupation_id=DATA_ANALYST)
    for call in (
        lambda: services.skill_update(actor=other, claim_id=claim.pk, level=1),
        lambda: services.skill_remove(actor=other, claim_id=claim.pk),
        lambda: services.goal_remove(actor=other, goal_id=goal.pk),
    ):
        with pytest.raises(NotFound):
            call()
    assert SkillClaim.objects.get(pk=claim.pk).level == 2
    assert CareerGoal.objects.filter(pk=goal.pk).exists()


def test_career_goals_are_occupations_at_most_five(alice: User) -> None:
    from stint.matching import engine

    goal = services.goal_add(actor=alice, occupation_id=DATA_ANALYST)
    assert goal.label == "data analyst"
    with pytest.raises(ConflictError):
        services.goal_add(actor=alice, occupation_id=DATA_ANALYST)
    with pytest.raises(DomainError) as err:
        services.goal_add(actor=alice, occupation_id="no-such-job")
    assert err.value.field == "occupation_id"
    others = [o for o in engine.taxonomy().occupations if o != DATA_ANALYST][:5]
    for occupation_id in others[:4]:
        services.goal_add(actor=alice, occupation_id=occupation_id)
    with pytest.raises(ConflictError):
        services.goal_add(actor=alice, occupation_id=others[4])
    assert CareerGoal.objects.count() == 5


def test_education_links_to_an_institution_the_candidate_belongs_to(
    alice: User, uni: Organisation
) -> None:
    Affiliation.objects.create(user=alice, institution=uni, email="alice@uni.example.edu")
    linked = services.education_add(
        actor=alice,
        institution_name="uni of testing",
        degree="BSc",
        major="Economics",
        graduation_year=timezone.localdate().year + 1,
    )
    assert linked.institution == uni
    other = services.education_add(actor=alice, institution_name="Open University")
    assert other.institution is None
    with pytest.raises(DomainError) as err:
        services.education_add(actor=alice, institution_name="Old School", graduation_year=1900)
    assert err.value.field == "graduation_year"
    with pytest.raises(DomainError) as err:
        services.education_add(actor=alice, institution_name=" ")
    assert err.value.field == "institution_name"
    assert Education.objects.count() == 2
    services.education_remove(actor=alice, education_id=other.pk)
    assert Education.objects.count() == 1


def test_date_windows(alice: User) -> None:
    today = timezone.localdate()
    window = services.window_add(actor=alice, start=today, end=today + timedelta(days=30))
    with pytest.raises(DomainError) as err:
        services.window_add(
            actor=alice, start=today + timedelta(days=60), end=today + timedelta(days=40)
        )
    assert err.value.field == "end"
    with pytest.raises(DomainError) as err:
        services.window_add(
            actor=alice, start=today + timedelta(days=10), end=today + timedelta(days=50)
        )
    assert err.value.field == "start"  # overlaps
    assert AvailabilityWindow.objects.count() == 1
    services.window_remove(actor=alice, window_id=window.pk)
    assert not AvailabilityWindow.objects.exists()


def test_completeness_and_the_dashboard_panel_follow_the_profile(alice: User) -> None:
    assert selectors.dashboard_candidate(alice) == {
        "percent": 0,
        "next_step": selectors.dashboard_candidate(alice)["next_step"],
        "has_profile": False,
        "pending_suggestions": 0,
    }
    services.profile_update(actor=alice, headline="Data-curious economist", location_country="GB")
    for level in (1, 2):
        services.skill_add(actor=alice, skill_id=[PYTHON, SQL][level - 1], level=level)
    panel = selectors.dashboard_candidate(alice)
    assert panel["percent"] == 25 and panel["has_profile"]
    assert panel["next_step"] == "Add at least 3 skills with your level (you have 2)."
