"""Webhook signatures (good, tampered, stale) and the endpoint (idempotent by event id)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.test import Client

from stint.accounts.models import User
from stint.core.money import Money
from stint.payments import services
from stint.payments.models import Payout, ProviderEvent
from stint.payments.providers import WebhookSignatureError, signature
from tests.payments.helpers import assert_reconciles
from tests.payments.stripe_replay import FIXTURES

SECRET = "whsec_test_secret"
PAYLOAD = (FIXTURES / "event_payment_intent_succeeded.json").read_bytes()


def test_good_signature_passes() -> None:
    header = signature.header_for(SECRET, PAYLOAD)
    assert signature.verify(PAYLOAD, header, SECRET) > 0


def test_one_good_v1_among_several_passes() -> None:
    ts = int(time.time())
    header = f"t={ts},v1={'0' * 64},v1={signature.compute(SECRET, ts, PAYLOAD)},v0=abc"
    signature.verify(PAYLOAD, header, SECRET)


@pytest.mark.parametrize(
    "make",
    [
        lambda: (PAYLOAD.replace(b"11000", b"99000"), signature.header_for(SECRET, PAYLOAD)),
        lambda: (PAYLOAD, signature.header_for("whsec_other", PAYLOAD)),
        lambda: (PAYLOAD, signature.header_for(SECRET, PAYLOAD, int(time.time()) - 301)),
        lambda: (PAYLOAD, signature.header_for(SECRET, PAYLOAD, int(time.time()) + 301)),
        lambda: (PAYLOAD, ""),
        lambda: (PAYLOAD, "t=abc,v1=def"),
        lambda: (PAYLOAD, f"t={int(time.time())}"),
    ],
    ids=["tampered", "wrong-secret", "stale", "future", "missing", "garbage", "no-v1"],
)
def test_bad_signatures_fail(make: Any) -> None:
    payload, header = make()
    with pytest.raises(WebhookSignatureError):
        signature.verify(payload, header, SECRET)


def test_stale_is_named_and_tolerance_is_configurable() -> None:
    old = int(time.time()) - 1000
    header = signature.header_for(SECRET, PAYLOAD, old)
    with pytest.raises(WebhookSignatureError) as exc:
        signature.verify(PAYLOAD, header, SECRET)
    assert exc.value.code == "stale"
    signature.verify(PAYLOAD, header, SECRET, tolerance=2000)


def test_no_secret_refuses_everything() -> None:
    with pytest.raises(WebhookSignatureError):
        signature.verify(PAYLOAD, signature.header_for("", PAYLOAD), "")


def post(client: Client, payload: bytes, header: str, provider: str = "stripe") -> Any:
    return client.post(
        f"/payments/webhooks/{provider}/",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )


@pytest.mark.django_db
def test_endpoint_stores_each_event_once(settings: Any) -> None:
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    client = Client(enforce_csrf_checks=True)
    first = post(client, PAYLOAD, signature.header_for(SECRET, PAYLOAD))
    assert first.status_code == 200 and first.json() == {"received": True, "duplicate": False}
    again = post(client, PAYLOAD, signature.header_for(SECRET, PAYLOAD))
    assert again.status_code == 200 and again.json()["duplicate"] is True
    event = ProviderEvent.objects.get()
    assert event.type == "payment_intent.succeeded" and event.amount == 11_000
    assert event.object_id == "pi_3MtwBwLkdIwHu7ix28a3tqPa"


@pytest.mark.django_db
def test_endpoint_refuses_bad_signatures_and_stores_nothing(settings: Any) -> None:
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    client = Client()
    tampered = PAYLOAD.replace(b"11000", b"99000")
    assert post(client, tampered, signature.header_for(SECRET, PAYLOAD)).status_code == 400
    stale = signature.header_for(SECRET, PAYLOAD, int(time.time()) - 3600)
    assert post(client, PAYLOAD, stale).status_code == 400
    assert post(client, PAYLOAD, "").status_code == 400
    assert post(client, PAYLOAD, "x", provider="paypal").status_code == 404
    assert client.get("/payments/webhooks/stripe/").status_code == 405
    assert ProviderEvent.objects.count() == 0
    settings.STRIPE_WEBHOOK_SECRET = ""  # not configured: nothing is accepted
    assert post(client, PAYLOAD, signature.header_for("", PAYLOAD)).status_code == 400


@pytest.mark.django_db
def test_sandbox_webhooks_use_the_sandbox_secret() -> None:
    from stint.payments.providers.sandbox import SANDBOX_WEBHOOK_SECRET

    header = signature.header_for(SANDBOX_WEBHOOK_SECRET, PAYLOAD)
    assert post(Client(), PAYLOAD, header, provider="sandbox").status_code == 200


@pytest.mark.django_db
def test_a_reversed_transfer_fails_the_payout_and_returns_the_money(
    settings: Any, alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    services.escrow_fund(ref="e:1", employer_id=1, fee=Money(10_000, "USD"), idempotency_key="f")
    services.escrow_release(ref="e:1", candidate_id=alice.pk, idempotency_key="r")
    with django_capture_on_commit_callbacks(execute=True):
        payout = services.payout_request(actor=alice, currency="USD", idempotency_key="p")
    payout.refresh_from_db()
    body = json.loads((FIXTURES / "event_transfer_reversed.json").read_text())
    body["data"]["object"]["id"] = payout.provider_ref
    payload = json.dumps(body).encode()
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    for _ in range(2):  # the second delivery changes nothing
        response = post(Client(), payload, signature.header_for(SECRET, payload), "sandbox")
        assert response.status_code == 200
    payout.refresh_from_db()
    assert payout.status == "failed" and payout.reversal is not None
    assert services.candidate_balance(alice.pk, "USD") == Money(10_000, "USD")
    assert Payout.objects.count() == 1
    assert payout.reversal.reverses_id == payout.transaction_id
    assert_reconciles()
