"""The organisation's Webhooks page: add (secret shown once), deliveries log, replay."""

from __future__ import annotations

from typing import Any

import pytest

from stint.accounts.models import User
from stint.events import services
from stint.events.models import WebhookDelivery, WebhookEndpoint
from stint.orgs.models import Membership, Organisation
from tests.events.conftest import Receiver

pytestmark = pytest.mark.django_db


def test_an_owner_adds_a_webhook_sees_its_secret_once_and_replays_a_delivery(
    acme: Organisation,
    bob: User,
    client_for: Any,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    page = client_for(bob)
    detail = page.get(f"/orgs/{acme.pk}/")
    assert f'href="/orgs/{acme.pk}/webhooks/"' in detail.content.decode()

    r = page.post(
        f"/orgs/{acme.pk}/webhooks/", {"url": receiver.url, "kinds": ["application.received"]}
    )
    endpoint = WebhookEndpoint.objects.get()
    assert r.status_code == 200 and endpoint.secret in r.content.decode()
    assert endpoint.kinds == ["application.received"]
    assert endpoint.secret not in page.get(f"/orgs/{acme.pk}/webhooks/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.record("application.received", organisation=acme, resource=acme)
    delivery = WebhookDelivery.objects.get()
    log = page.get(f"/orgs/{acme.pk}/webhooks/{endpoint.pk}/deliveries/")
    assert log.status_code == 200 and "application.received" in log.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        r = page.post(f"/orgs/{acme.pk}/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/replay/")
    assert r.status_code == 302
    assert WebhookDelivery.objects.filter(replay_of=delivery, status="succeeded").count() == 1
    assert len(receiver.requests) == 2

    page.post(f"/orgs/{acme.pk}/webhooks/{endpoint.pk}/delete/")
    assert not WebhookEndpoint.objects.exists()


def test_a_refused_url_is_a_form_error_on_the_url(
    acme: Organisation, bob: User, client_for: Any, settings: Any
) -> None:
    settings.PRODUCTION = True
    r = client_for(bob).post(f"/orgs/{acme.pk}/webhooks/", {"url": "http://10.1.2.3/hook"})
    assert r.status_code == 200 and "not a public address" in r.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_outsiders_get_404_and_plain_members_403_on_the_pages(
    acme: Organisation, bob: User, carol: User, client_for: Any, receiver: Receiver
) -> None:
    from tests.personas import make_user

    endpoint = services.webhook_endpoint_create(
        actor=bob, organisation_id=acme.pk, url=receiver.url
    )
    member = make_user("plain@acme.example")
    Membership.objects.create(organisation=acme, user=member, role="member")
    base = f"/orgs/{acme.pk}/webhooks/"
    for user, code in ((carol, 404), (member, 403)):
        page = client_for(user)
        assert page.get(base).status_code == code
        assert page.post(base, {"url": receiver.url}).status_code == code
        assert page.get(f"{base}{endpoint.pk}/deliveries/").status_code == code
        assert page.post(f"{base}{endpoint.pk}/delete/").status_code == code
    assert WebhookEndpoint.objects.count() == 1
    assert "webhooks-link" not in client_for(member).get(f"/orgs/{acme.pk}/").content.decode()
