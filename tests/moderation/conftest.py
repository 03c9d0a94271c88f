"""Fixtures for trust and safety: Acme with a website on bob's domain, a
published posting built through the real services, and a thread with a message."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from stint.accounts.models import User
from stint.applications.models import Application, Message
from stint.opportunities import services as opportunity_services
from stint.opportunities.models import Opportunity
from stint.orgs.models import Organisation

SUMMARY = (
    "We are a small online shop and want to understand which customers stop buying. "
    "You will work with our order export and build a simple weekly view."
)


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def acme(acme: Organisation) -> Organisation:
    acme.website = "https://www.acme.example"
    acme.save(update_fields=["website"])
    return acme


@pytest.fixture
def verified_acme(acme: Organisation) -> Organisation:
    acme.verified_at = timezone.now()
    acme.save(update_fields=["verified_at"])
    return acme


def posting(**changes: Any) -> opportunity_services.Posting:
    today = timezone.localdate()
    base: dict[str, Any] = {
        "title": "Build a churn dashboard for our shop",
        "summary": SUMMARY,
        "deliverables": "- A cleaned CSV of orders\n- A dashboard of churn by month",
        "industry": "Retail",
        "estimated_hours": 10,
        "fee_minor": 50000,
        "currency": "USD",
        "apply_by": today + timedelta(days=7),
        "start_date": today + timedelta(days=10),
        "due_date": today + timedelta(days=30),
    }
    base.update(changes)
    return opportunity_services.Posting(**base)


@pytest.fixture
def make_posting(bob: User, verified_acme: Organisation) -> Any:
    def make(*, publish: bool = True, **changes: Any) -> Opportunity:
        o = opportunity_services.opportunity_create(
            actor=bob, organisation_id=verified_acme.pk, posting=posting(**changes)
        )
        if publish:
            o = opportunity_services.opportunity_publish(actor=bob, opportunity_id=o.pk)
        return o

    return make


@pytest.fixture
def live_posting(make_posting: Any) -> Opportunity:
    o = make_posting()
    assert o.status == "published", o.review_flags
    return o


@pytest.fixture
def thread(alice: User, bob: User, live_posting: Opportunity) -> Message:
    application = Application.objects.create(opportunity=live_posting, candidate=alice)
    return Message.objects.create(application=application, sender=bob, body="Hi Alice")
