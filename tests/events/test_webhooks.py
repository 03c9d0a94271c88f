"""Webhooks end to end against a real receiver on loopback: signed deliveries in
order, retries with backoff, disabling, replay, and who may manage them."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from stint.accounts.models import User
from stint.events import rules, services
from stint.events.models import Event, WebhookDelivery, WebhookEndpoint
from stint.events.tasks import deliveries_retry_due
from stint.orgs.models import Membership, Organisation
from tests.events.conftest import Receiver

pytestmark = pytest.mark.django_db


def _add(api: Any, org: Organisation, url: str, kinds: list[str] | None = None) -> Any:
    return api.post(
        f"/api/v1/orgs/{org.pk}/webhooks",
        {"url": url, "kinds": kinds or []},
        content_type="application/json",
    )


def _emit(capture: Any, org: Organisation, kind: str = "application.received") -> Event:
    # As a service does: inside its transaction; delivery happens on commit.
    with capture(execute=True):
        return services.record(
            kind, organisation=org, resource=org, data={"organisation_id": org.pk}
        )


def _due_now(endpoint: WebhookEndpoint) -> None:
    """Let the retry time pass (instead of sleeping)."""
    WebhookDelivery.objects.filter(endpoint=endpoint, next_attempt_at__isnull=False).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def test_deliveries_are_signed_carry_ids_and_arrive_in_order(
    acme: Organisation,
    bob: User,
    api_for: Any,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    created = _add(api_for(bob), acme, receiver.url, ["application.received", "offer.accepted"])
    assert created.status_code == 201, created.json()
    secret = created.json()["secret"]
    assert secret.startswith("whsec_")
    assert "secret" not in api_for(bob).get(f"/api/v1/orgs/{acme.pk}/webhooks").json()[0]

    first = _emit(django_capture_on_commit_callbacks, acme)
    _emit(django_capture_on_commit_callbacks, acme, "review.received")  # not subscribed
    third = _emit(django_capture_on_commit_callbacks, acme, "offer.accepted")

    assert len(receiver.requests) == 2
    bodies = []
    for headers, body in receiver.requests:
        assert rules.verify(secret, headers["stint-signature"], body, now=int(time.time()))
        assert not rules.verify(
            "whsec_other", headers["stint-signature"], body, now=int(time.time())
        )
        bodies.append(json.loads(body))
    assert [b["id"] for b in bodies] == [first.pk, third.pk]
    assert [b["kind"] for b in bodies] == ["application.received", "offer.accepted"]
    assert bodies[0]["version"] == 1
    assert bodies[0]["resource"] == {"type": "organisation", "id": str(acme.pk)}
    assert bodies[0]["data"] == {"organisation_id": acme.pk}
    assert receiver.requests[0][0]["stint-event-id"] == str(first.pk)

    log = (
        api_for(bob)
        .get(f"/api/v1/orgs/{acme.pk}/webhooks/{created.json()['id']}/deliveries")
        .json()
    )
    assert [(d["event_id"], d["status"], d["response_code"]) for d in log["items"]] == [
        (third.pk, "succeeded", 200),
        (first.pk, "succeeded", 200),
    ]


def test_a_rolled_back_action_sends_nothing(
    acme: Organisation, bob: User, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    services.webhook_endpoint_create(actor=bob, organisation_id=acme.pk, url=receiver.url)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.record("application.received", organisation=acme, resource=acme)
    # the delivery and the event_committed signal: both only run if the transaction commits
    assert len(callbacks) == 2
    assert receiver.requests == [] and not WebhookDelivery.objects.exists()


def test_failures_retry_with_backoff_then_succeed(
    acme: Organisation, bob: User, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint = services.webhook_endpoint_create(
        actor=bob, organisation_id=acme.pk, url=receiver.url
    )
    receiver.status = 500
    before = timezone.now()
    _emit(django_capture_on_commit_callbacks, acme)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("retrying", 1, 500)
    assert delivery.next_attempt_at - before >= timedelta(minutes=1)

    assert deliveries_retry_due.call() == 0  # not due yet: nothing sent
    assert len(receiver.requests) == 1

    _due_now(endpoint)
    before = timezone.now()
    assert deliveries_retry_due.call() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("retrying", 2)
    assert delivery.next_attempt_at - before >= timedelta(minutes=2)  # doubled
    endpoint.refresh_from_db()
    assert endpoint.failure_count == 2

    receiver.status = 204
    _due_now(endpoint)
    deliveries_retry_due.call()
    delivery.refresh_from_db()
    endpoint.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("succeeded", 3, 204)
    assert endpoint.failure_count == 0
    assert len(receiver.requests) == 3
    assert len({json.loads(b)["id"] for _, b in receiver.requests}) == 1  # the same event


def test_a_delivery_fails_after_its_last_attempt(
    acme: Organisation, bob: User, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint = services.webhook_endpoint_create(
        actor=bob, organisation_id=acme.pk, url=receiver.url
    )
    receiver.status = 503
    _emit(django_capture_on_commit_callbacks, acme)
    for _ in range(rules.MAX_ATTEMPTS - 1):
        _due_now(endpoint)
        deliveries_retry_due.call()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (
        "failed",
        rules.MAX_ATTEMPTS,
        None,
    )
    assert deliveries_retry_due.call() == 0
    assert len(receiver.requests) == rules.MAX_ATTEMPTS


def test_an_endpoint_failing_again_and_again_is_disabled_and_can_be_turned_back_on(
    acme: Organisation,
    bob: User,
    api_for: Any,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    endpoint = services.webhook_endpoint_create(
        actor=bob, organisation_id=acme.pk, url=receiver.url
    )
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failure_count=rules.DISABLE_AFTER - 1)
    receiver.status = 500
    _emit(django_capture_on_commit_callbacks, acme)
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.disabled_at is not None

    # Disabled: neither new events nor due retries are sent.
    _emit(django_capture_on_commit_callbacks, acme)
    _due_now(endpoint)
    assert deliveries_retry_due.call() == 0
    assert len(receiver.requests) == 1

    receiver.status = 200
    r = api_for(bob).post(f"/api/v1/orgs/{acme.pk}/webhooks/{endpoint.pk}/enable")
    assert r.status_code == 200 and r.json()["is_active"] and r.json()["failure_count"] == 0
    _due_now(endpoint)
    assert deliveries_retry_due.call() == 1  # the retry left pending resumes
    assert WebhookDelivery.objects.get().status == "succeeded"


def test_replay_sends_the_same_event_again_as_a_new_delivery(
    acme: Organisation,
    bob: User,
    api_for: Any,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    endpoint = services.webhook_endpoint_create(
        actor=bob, organisation_id=acme.pk, url=receiver.url
    )
    event = _emit(django_capture_on_commit_callbacks, acme)
    original = WebhookDelivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        r = api_for(bob).post(
            f"/api/v1/orgs/{acme.pk}/webhooks/{endpoint.pk}/deliveries/{original.pk}/replay"
        )
    assert r.status_code == 202, r.json()
    assert r.json()["replay_of"] == original.pk and r.json()["event_id"] == event.pk
    assert [json.loads(b)["id"] for _, b in receiver.requests] == [event.pk, event.pk]
    assert WebhookDelivery.objects.get(pk=r.json()["id"]).status == "succeeded"


def test_other_organisations_and_plain_members_cannot_manage_webhooks(
    acme: Organisation,
    bob: User,
    carol: User,
    globex: Organisation,
    api_for: Any,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from tests.personas import make_user

    endpoint = services.webhook_endpoint_create(
        actor=bob, organisation_id=acme.pk, url=receiver.url
    )
    _emit(django_capture_on_commit_callbacks, acme)
    delivery = WebhookDelivery.objects.get()
    member = make_user("plain@acme.example")
    Membership.objects.create(organisation=acme, user=member, role="member")
    base = f"/api/v1/orgs/{acme.pk}/webhooks"
    for user, code in ((carol, 404), (member, 403)):
        api = api_for(user)
        answers = [
            api.get(base),
            _add(api, acme, receiver.url),
            api.delete(f"{base}/{endpoint.pk}"),
            api.post(f"{base}/{endpoint.pk}/enable"),
            api.get(f"{base}/{endpoint.pk}/deliveries"),
            api.post(f"{base}/{endpoint.pk}/deliveries/{delivery.pk}/replay"),
        ]
        assert [a.status_code for a in answers] == [code] * len(answers), user
    # Carol's own organisation's path does not reach Acme's webhook either.
    other = api_for(carol).delete(f"/api/v1/orgs/{globex.pk}/webhooks/{endpoint.pk}")
    assert other.status_code == 404
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).count() == 1
    assert WebhookDelivery.objects.count() == 1 and len(receiver.requests) == 1

    assert api_for(bob).delete(f"{base}/{endpoint.pk}").status_code == 204
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/hook", "http://10.0.0.5/hook", "http://169.254.169.254/latest", "nonsense"],
)
def test_bad_and_private_targets_are_refused_naming_the_url(
    acme: Organisation, bob: User, api_for: Any, settings: Any, url: str
) -> None:
    settings.PRODUCTION = True
    r = _add(api_for(bob), acme, url)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "url", r.json()
    assert not WebhookEndpoint.objects.exists()


def test_loopback_is_allowed_in_development_but_not_in_production(
    acme: Organisation,
    bob: User,
    api_for: Any,
    settings: Any,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.PRODUCTION = True
    r = _add(api_for(bob), acme, receiver.url)
    assert r.status_code == 422 and "not a public address" in r.json()["detail"]

    settings.PRODUCTION = False
    assert _add(api_for(bob), acme, receiver.url).status_code == 201
    # Checked again when sending: a production process does not call a loopback target.
    settings.PRODUCTION = True
    _emit(django_capture_on_commit_callbacks, acme)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "retrying" and "not a public address" in delivery.last_error
    assert receiver.requests == []


def test_unknown_kinds_are_refused_naming_the_field(
    acme: Organisation, bob: User, api_for: Any, receiver: Receiver
) -> None:
    r = _add(api_for(bob), acme, receiver.url, ["application.teleported"])
    assert r.status_code == 422 and r.json()["errors"][0]["field"].startswith("kinds")


def test_an_endpoint_deleted_while_a_delivery_is_in_flight_is_no_error(
    acme: Organisation,
    bob: User,
    receiver: Receiver,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    endpoint = services.webhook_endpoint_create(
        actor=bob, organisation_id=acme.pk, url=receiver.url
    )
    receiver.status = 500
    _emit(django_capture_on_commit_callbacks, acme)
    _due_now(endpoint)

    def delete_then_answer(url: str, body: bytes, headers: dict[str, str]) -> int:
        services.webhook_endpoint_delete(actor=bob, endpoint_id=endpoint.pk)
        return 200

    monkeypatch.setattr(services, "_post", delete_then_answer)
    assert services.delivery_attempt(delivery_id=WebhookDelivery.objects.get().pk) is None
    assert not WebhookDelivery.objects.exists()
