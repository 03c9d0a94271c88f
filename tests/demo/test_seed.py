"""The demo world and the scale data: idempotent, believable, and the README's
demo logins really work."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from stint.accounts.models import User
from stint.applications.models import Application, Message, Offer
from stint.core.money import hourly_floor_minor
from stint.demo.scale import EMAIL_DOMAIN, EMPLOYER_PREFIX, MARKER_SLUG
from stint.demo.world import DEMO_PASSWORD
from stint.opportunities.models import Opportunity, RequiredSkill
from stint.orgs.models import Affiliation, Membership, Organisation
from stint.profiles.models import (
    AvailabilityWindow,
    CandidateProfile,
    CareerGoal,
    Education,
    SkillClaim,
)

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"
MODELS = (
    User,
    Organisation,
    Membership,
    Affiliation,
    CandidateProfile,
    SkillClaim,
    CareerGoal,
    Education,
    AvailabilityWindow,
    Opportunity,
    RequiredSkill,
    Application,
    Offer,
    Message,
)


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


def readme_logins() -> list[str]:
    """Every email in the README's demo login table."""
    text = README.read_text()
    table = text.split("### Demo logins", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"`([^`\s]+@[^`\s]+)`", table)


@pytest.fixture
def world(db: None) -> dict[str, int]:
    call_command("seed_demo", stdout=None)
    return counts()


def test_seed_demo_twice_changes_nothing(world: dict[str, int]) -> None:
    call_command("seed_demo")
    assert counts() == world


def test_a_living_marketplace(world: dict[str, int]) -> None:
    today = timezone.localdate()
    published = Opportunity.objects.filter(status="published")
    assert 10 <= published.count() <= 20
    assert Opportunity.objects.filter(status="draft").exists()
    for o in published:
        assert o.employer.is_verified
        assert o.apply_by and o.apply_by > today and o.start_date > today
        assert o.fee_minor >= hourly_floor_minor(o.currency) * o.estimated_hours
        assert o.skills.filter(need="essential").exists()
    exclusive = published.get(visibility="institutions")
    assert list(exclusive.allowed_institutions.values_list("slug", flat=True)) == [
        "university-of-example"
    ]
    statuses = set(Application.objects.values_list("status", flat=True))
    assert {"submitted", "shortlisted", "offered"} <= statuses
    assert Offer.objects.filter(status="pending").exists()
    for email in ("ada@example.edu", "ben@example.edu", "emma@example.edu"):
        profile = CandidateProfile.objects.get(user__email=email)
        assert profile.skills.count() >= 5
        assert profile.goals.exists() and profile.windows.exists()
        assert profile.education.filter(institution__slug="university-of-example").exists()


def test_an_engagement_paid_by_milestone_is_under_way(world: dict[str, int]) -> None:
    from stint.engagements.models import Engagement
    from stint.payments.services import escrow_balance

    engagement = Engagement.objects.get(candidate__email="dev@demo.stint.local")
    assert engagement.by_milestone and engagement.funded_at is not None
    assert engagement.status == "submitted"
    milestones = list(engagement.milestones.order_by("position"))
    assert [m.status for m in milestones] == ["submitted", "pending"]
    assert sum(m.amount_minor for m in milestones) == engagement.fee_minor
    # Nothing released yet: the escrow holds at least the whole fee.
    assert escrow_balance(engagement.ledger_ref, engagement.currency).amount >= engagement.fee_minor
    page = Client()
    page.force_login(engagement.candidate)
    r = page.get(reverse("engagement_detail", args=[engagement.pk]))
    assert r.status_code == 200 and b"Cohort queries and a data dictionary" in r.content


def test_the_exclusive_posting_is_for_university_students_only(world: dict[str, int]) -> None:
    exclusive = Opportunity.objects.get(visibility="institutions", status="published")
    url = reverse("opportunity_detail", args=[exclusive.pk])
    ada, chloe = Client(), Client()
    ada.force_login(User.objects.get(email="ada@example.edu"))
    chloe.force_login(User.objects.get(email="chloe@demo.stint.local"))
    assert ada.get(url).status_code == 200
    assert chloe.get(url).status_code == 404


def test_readme_demo_logins_work(world: dict[str, int]) -> None:
    emails = readme_logins()
    assert len(emails) >= 10
    for email in emails:
        assert Client().login(email=email, password=DEMO_PASSWORD), email
    # And through the real login form, as a person would.
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": "ada@example.edu", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    page = client.get(reverse("opportunity_browse"))
    assert page.status_code == 200
    assert b"Clean and document a customer survey dataset" in page.content


def test_seed_scale_counts_and_idempotent() -> None:
    call_command("seed_scale", opportunities=50, candidates=50)
    scale_opps = Opportunity.objects.filter(employer__slug__startswith=EMPLOYER_PREFIX)
    scale_users = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")
    assert scale_opps.count() == 50
    assert scale_users.count() == 50
    assert CandidateProfile.objects.filter(user__in=scale_users).count() == 50
    assert SkillClaim.objects.filter(profile__user__in=scale_users).count() >= 200
    assert RequiredSkill.objects.filter(opportunity__in=scale_opps).count() >= 150
    # Bulk rows are searchable like any other: the search column includes skill labels.
    assert not scale_opps.filter(search_text="").exists()
    some_skill = RequiredSkill.objects.filter(opportunity__in=scale_opps).first()
    assert some_skill is not None and some_skill.label.lower() in some_skill.opportunity.search_text
    before = counts()
    call_command("seed_scale", opportunities=50, candidates=50)
    assert counts() == before
    assert Organisation.objects.get(slug=MARKER_SLUG).description == (
        '{"opportunities": 50, "candidates": 50}'
    )
    call_command("seed_scale", opportunities=60, candidates=55)
    assert scale_opps.count() == 60
    assert scale_users.count() == 55


def test_a_scale_candidate_can_log_in() -> None:
    call_command("seed_scale", opportunities=5, candidates=3)
    email = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").first().email
    assert Client().login(email=email, password=DEMO_PASSWORD)
