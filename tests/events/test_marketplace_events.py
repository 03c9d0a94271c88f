"""The services emit their events: the whole loop from applying to a review, read
back from the feed by the employer and by the candidate, and received by a webhook."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from stint.accounts.models import User
from stint.applications import services as applications
from stint.engagements import services as engagements
from stint.engagements.models import Engagement
from stint.events import rules, services
from stint.orgs.models import Organisation
from stint.reviews import services as reviews
from tests.applications.conftest import apply, make_opportunity
from tests.events.conftest import Receiver

pytestmark = pytest.mark.django_db

EMPLOYER_RATINGS = {"quality": 5, "communication": 4, "timeliness": 5, "initiative": 4}


def _kinds(api: Any) -> list[str]:
    return [e["kind"] for e in api.get("/api/v1/events", {"limit": 100}).json()["items"]]


def test_the_loop_from_application_to_review_is_in_the_feed_and_the_webhook(
    acme: Organisation,
    bob: User,
    alice: User,
    carol: User,
    api_for: Any,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    endpoint = services.webhook_endpoint_create(
        actor=bob, organisation_id=acme.pk, url=receiver.url
    )
    opportunity = make_opportunity(acme, bob, [])
    declined = make_opportunity(acme, bob, [], title="Second task")
    with django_capture_on_commit_callbacks(execute=True):
        other = apply(alice, declined)
        applications.application_shortlist(actor=bob, application_id=other.pk)
        offer = applications.offer_make(actor=bob, application_id=other.pk)
        applications.offer_decline(actor=alice, offer_id=offer.pk)

        application = apply(alice, opportunity)
        applications.application_shortlist(actor=bob, application_id=application.pk)
        offer = applications.offer_make(actor=bob, application_id=application.pk)
        applications.offer_accept(actor=alice, offer_id=offer.pk)
    engagement = Engagement.objects.get(offer=offer)
    assert engagement.funded_at is not None  # funded through the real signal → task path
    with django_capture_on_commit_callbacks(execute=True):
        engagements.engagement_start(actor=alice, engagement_id=engagement.pk)
        engagements.submission_create(actor=alice, engagement_id=engagement.pk, text="Done")
        engagements.submission_approve(actor=bob, engagement_id=engagement.pk)
        reviews.review_create(actor=bob, engagement_id=engagement.pk, ratings=EMPLOYER_RATINGS)

    loop = [
        "application.received",
        "offer.declined",
        "application.received",
        "offer.accepted",
        "engagement.funded",
        "engagement.submitted",
        "engagement.approved",
        "engagement.paid",
        "review.received",
    ]
    assert _kinds(api_for(bob)) == loop
    assert _kinds(api_for(alice)) == loop
    assert _kinds(api_for(carol)) == []

    bodies = []
    for headers, body in receiver.requests:
        assert rules.verify(endpoint.secret, headers["stint-signature"], body, now=int(time.time()))
        bodies.append(json.loads(body))
    assert [b["kind"] for b in bodies] == loop
    ids = [b["id"] for b in bodies]
    assert ids == sorted(ids)  # in order
    paid = bodies[loop.index("engagement.paid")]
    assert paid["data"] == {"engagement_id": engagement.pk, "offer_id": offer.pk}
