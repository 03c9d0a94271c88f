"""The factories build rows the database accepts and the product would recognise:
the owner made the posting, an engagement's chain points at one posting and one
candidate, and a paid engagement carries what its constraints ask for."""

from __future__ import annotations

import pytest

from stint.engagements.models import Engagement
from stint.opportunities.models import RequiredSkill
from stint.orgs.models import Membership
from tests.factories import EngagementFactory, OpportunityFactory, UserFactory
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_user_can_sign_in_with_the_test_password() -> None:
    user = UserFactory()
    assert user.check_password(PASSWORD)
    assert user.is_candidate
    assert user.emailaddress_set.get().verified


def test_a_posting_is_made_by_its_employers_owner_with_its_skills() -> None:
    skills = [{"id": "s:python", "label": "Python"}, {"id": "s:sql", "label": "SQL"}]
    opportunity = OpportunityFactory(skills=skills)
    assert (
        Membership.objects.get(organisation=opportunity.employer, user=opportunity.created_by).role
        == "owner"
    )
    assert opportunity.employer.verified_at is not None
    needs = dict(RequiredSkill.objects.filter(opportunity=opportunity).values_list("label", "need"))
    assert needs == {"Python": "essential", "SQL": "nice"}


def test_an_engagement_chain_is_consistent() -> None:
    engagement = EngagementFactory()
    assert engagement.application.opportunity == engagement.opportunity
    assert engagement.offer.application == engagement.application
    assert engagement.candidate == engagement.application.candidate
    assert engagement.employer == engagement.opportunity.employer
    assert engagement.status == "approved" and engagement.approved_at is not None
    assert engagement.paid_at is None and engagement.released_minor is None


def test_a_paid_engagement_records_its_payment() -> None:
    engagement = EngagementFactory(status="paid", fee_minor=12_000)
    engagement.refresh_from_db()
    assert engagement.paid_at is not None
    assert engagement.released_minor == 12_000
    assert Engagement.objects.filter(status="paid").count() == 1
