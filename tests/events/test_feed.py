"""The events feed: what a client reads to catch up after downtime, and who sees what."""

from __future__ import annotations

import json
from typing import Any

import pytest

from stint.accounts.models import User
from stint.events import services
from stint.events.models import Event
from stint.orgs.models import Organisation
from tests.applications.conftest import apply, make_opportunity
from tests.events.conftest import Receiver

pytestmark = pytest.mark.django_db


def _feed(api: Any, **params: Any) -> Any:
    r = api.get("/api/v1/events", params)
    assert r.status_code == 200, r.json()
    return r.json()


def test_a_client_catches_up_page_by_page_and_a_page_past_the_end_is_empty(
    acme: Organisation, bob: User, api_for: Any
) -> None:
    made = [services.record("review.received", organisation=acme, resource=acme) for _ in range(5)]
    api = api_for(bob)
    seen: list[int] = []
    page = _feed(api, limit=2)
    while True:
        seen += [e["id"] for e in page["items"]]
        if not page["has_more"]:
            break
        page = _feed(api, after=page["next_cursor"], limit=2)
    assert seen == [e.pk for e in made]
    empty = _feed(api, after=made[-1].pk)
    assert empty == {"items": [], "has_more": False, "next_cursor": None}
    # After downtime: only what is new since the last id the client kept.
    later = services.record("offer.accepted", organisation=acme, resource=acme)
    assert [e["id"] for e in _feed(api, after=made[-1].pk)["items"]] == [later.pk]


@pytest.mark.parametrize("params", [{"after": -1}, {"limit": 0}, {"limit": 101}, {"after": "x"}])
def test_bad_cursors_and_limits_are_422_naming_the_parameter(
    bob: User, api_for: Any, params: dict[str, Any]
) -> None:
    r = api_for(bob).get("/api/v1/events", params)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"].endswith(next(iter(params)))


def test_an_application_is_an_event_for_the_employer_and_the_candidate_only(
    acme: Organisation,
    bob: User,
    alice: User,
    carol: User,
    globex: Organisation,
    api_for: Any,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    endpoint = services.webhook_endpoint_create(
        actor=bob, organisation_id=acme.pk, url=receiver.url
    )
    opportunity = make_opportunity(acme, bob, [])
    with django_capture_on_commit_callbacks(execute=True):
        application = apply(alice, opportunity)

    expected = {
        "kind": "application.received",
        "version": 1,
        "organisation_id": acme.pk,
        "resource": {"type": "application", "id": str(application.pk)},
        "data": {"application_id": application.pk, "opportunity_id": opportunity.pk},
    }
    for user in (bob, alice):
        items = _feed(api_for(user))["items"]
        assert len(items) == 1 and {k: items[0][k] for k in expected} == expected, user
    assert _feed(api_for(carol))["items"] == []  # another organisation sees nothing
    # The webhook carries the same event as the feed.
    ((_headers, body),) = receiver.requests
    assert json.loads(body)["id"] == Event.objects.get().pk
    assert json.loads(body)["data"] == expected["data"]
    assert endpoint.deliveries.get().status == "succeeded"


def test_events_of_other_organisations_and_people_stay_hidden(
    acme: Organisation, bob: User, alice: User, carol: User, globex: Organisation, api_for: Any
) -> None:
    services.record("review.received", organisation=globex, resource=globex)
    mine = services.record("review.received", users=[alice], resource=alice)
    assert _feed(api_for(bob))["items"] == []
    assert [e["id"] for e in _feed(api_for(alice))["items"]] == [mine.pk]
    assert len(_feed(api_for(carol))["items"]) == 1
    assert api_for(None).get("/api/v1/events").status_code == 401


def test_events_older_than_the_retention_are_pruned(acme: Organisation, settings: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    old = services.record("review.received", organisation=acme, resource=acme)
    kept = services.record("review.received", organisation=acme, resource=acme)
    Event.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=settings.STINT_EVENT_RETENTION_DAYS + 1)
    )
    assert services.events_prune() == 1
    assert list(Event.objects.values_list("pk", flat=True)) == [kept.pk]
