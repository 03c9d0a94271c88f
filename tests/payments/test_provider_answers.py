"""The providers' less common answers: reused keys, refunds they refuse, pages they
forget, connections that drop, and events that are not JSON."""

from __future__ import annotations

import io
import json
import urllib.error
from typing import Any

import pytest
import stripe as stripe_sdk

from stint.core.money import Money
from stint.payments.models import SandboxRecord
from stint.payments.providers import (
    ProviderDeclined,
    ProviderError,
    ProviderUnavailable,
    WebhookSignatureError,
)
from stint.payments.providers.sandbox import SandboxProvider, event_from_json
from stint.payments.providers.stripe import StripeProvider, UrllibTransport, _TransportClient
from tests.payments.stripe_replay import fixture

USD = "USD"


def usd(n: int) -> Money:
    return Money(n, USD)


# --- The sandbox ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sandbox_refuses_a_key_reused_for_another_charge() -> None:
    sandbox = SandboxProvider()
    first = sandbox.charge(amount=usd(100), customer="c", idempotency_key="k")
    assert sandbox.charge(amount=usd(100), customer="c", idempotency_key="k") == first
    with pytest.raises(ProviderError) as exc:
        sandbox.charge(amount=usd(200), customer="c", idempotency_key="k")
    assert exc.value.code == "idempotency_error"
    assert SandboxRecord.objects.count() == 1


@pytest.mark.django_db
def test_the_sandbox_records_a_charge_made_meanwhile_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sandbox = SandboxProvider()
    first = sandbox.charge(amount=usd(100), customer="c", idempotency_key="k")
    real = SandboxRecord.objects.filter
    looks: list[int] = []

    def read_before_their_commit(*args: Any, **kwargs: Any) -> Any:
        looks.append(1)
        return real(pk__in=[]) if len(looks) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(SandboxRecord.objects, "filter", read_before_their_commit)
    assert sandbox.charge(amount=usd(100), customer="c", idempotency_key="k") == first
    assert SandboxRecord.objects.count() == 1


@pytest.mark.django_db
def test_the_sandbox_refunds_only_what_a_charge_took() -> None:
    sandbox = SandboxProvider()
    charge = sandbox.charge(amount=usd(100), customer="c", idempotency_key="k")
    with pytest.raises(ProviderDeclined) as exc:
        sandbox.refund(amount=usd(10), charge_ref="sb_ch_nope", idempotency_key="r1")
    assert exc.value.code == "resource_missing"
    with pytest.raises(ProviderDeclined) as exc:
        sandbox.refund(
            amount=Money(10, "EUR"), charge_ref=charge.provider_ref, idempotency_key="r1"
        )
    assert exc.value.code == "resource_missing"
    sandbox.refund(amount=usd(60), charge_ref=charge.provider_ref, idempotency_key="r1")
    with pytest.raises(ProviderDeclined) as exc:
        sandbox.refund(amount=usd(41), charge_ref=charge.provider_ref, idempotency_key="r2")
    assert exc.value.code == "charge_already_refunded"
    assert SandboxRecord.objects.filter(kind="refund").count() == 1


def test_the_sandbox_card_is_ready_at_once_and_events_must_be_json() -> None:
    state = SandboxProvider().payment_setup_state(external_id="sb_cus_1", setup_ref="")
    assert state.ready and state.external_id == "sb_cus_1" and state.payment_method
    for payload in (b"not json", b'{"id": "evt_1"}', b'{"id": "e", "data": []}'):
        with pytest.raises(WebhookSignatureError) as exc:
            event_from_json(payload)
        assert exc.value.code == "bad_payload"


# --- Stripe --------------------------------------------------------------------------------


def answering(status: int, body: dict[str, Any]) -> Any:
    def transport(method: str, url: str, headers: dict[str, str], data: bytes | None) -> Any:
        return status, json.dumps(body).encode()

    return transport


def stripe_with(transport: Any) -> StripeProvider:
    return StripeProvider(api_key="sk_test_123", webhook_secret="whsec_x", transport=transport)


def test_a_payment_still_processing_is_tried_again_later() -> None:
    intent = {**fixture("payment_intent_succeeded"), "status": "processing"}
    provider = stripe_with(answering(200, intent))
    with pytest.raises(ProviderUnavailable) as exc:
        provider.charge(
            amount=usd(11_000),
            customer="cus_1",
            payment_method="pm_1",
            description="",
            idempotency_key="k",
        )
    assert exc.value.code == "processing"


def test_a_checkout_session_without_a_page_is_not_a_setup() -> None:
    session = {**fixture("checkout_session_setup_created"), "url": None}
    provider = stripe_with(answering(200, session))
    with pytest.raises(ProviderUnavailable) as exc:
        provider.payment_setup_start(
            external_id="cus_1",
            owner_ref="employer:1",
            email="b@acme.example",
            name="Acme",
            success_url="https://stint.example/ok",
            cancel_url="https://stint.example/no",
            idempotency_key="k",
        )
    assert exc.value.code == "bad_response"


def test_an_account_already_enabled_needs_no_onboarding_link() -> None:
    requests: list[str] = []

    def transport(method: str, url: str, headers: dict[str, str], data: bytes | None) -> Any:
        requests.append(f"{method} {url}")
        return 200, json.dumps(fixture("account_enabled")).encode()

    onboarding = stripe_with(transport).payout_account_start(
        external_id="acct_1MTfjCQ9PRzxEwkZ",
        owner_ref="candidate:1",
        email="a@example.com",
        country="US",
        return_url="https://stint.example/back",
        refresh_url="https://stint.example/again",
        idempotency_key="k",
    )
    assert onboarding.state.ready and onboarding.url is None
    assert len(requests) == 1 and requests[0].startswith("GET ")


def test_an_answer_without_the_object_is_unavailable() -> None:
    with pytest.raises(ProviderUnavailable) as exc:
        StripeProvider._answer(["not", "an", "object"], "id")
    assert exc.value.code == "bad_response"


def test_a_dropped_connection_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stripe_sdk.HTTPClient, "_sleep_time_seconds", lambda *a, **k: 0)

    def dropped(method: str, url: str, headers: dict[str, str], data: bytes | None) -> Any:
        raise ProviderUnavailable("Stripe unreachable: reset", code="network")

    with pytest.raises(ProviderUnavailable) as exc:
        stripe_with(dropped).charge(
            amount=usd(100),
            customer="cus_1",
            payment_method="pm_1",
            description="",
            idempotency_key="k",
        )
    assert exc.value.code == "network"
    assert _TransportClient(dropped).close() is None  # holds no connection of its own


def test_the_urllib_transport_returns_answers_and_error_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Answer(io.BytesIO):
        status = 200

    monkeypatch.setattr("urllib.request.urlopen", lambda *a, **k: Answer(b'{"id": "x"}'))
    assert UrllibTransport()("GET", "https://api.stripe.com/v1/x", {}, None) == (
        200,
        b'{"id": "x"}',
    )

    def refused(*args: Any, **kwargs: Any) -> None:
        raise urllib.error.HTTPError(
            "https://api.stripe.com/v1/x", 402, "Payment Required", {}, io.BytesIO(b'{"e": 1}')
        )

    monkeypatch.setattr("urllib.request.urlopen", refused)
    assert UrllibTransport()("POST", "https://api.stripe.com/v1/x", {}, b"") == (402, b'{"e": 1}')
