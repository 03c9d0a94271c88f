"""The Stripe provider against recorded responses (documented response shapes)."""

from __future__ import annotations

import urllib.error
from typing import Any

import pytest

from stint.accounts.models import User
from stint.core.money import Money
from stint.payments import services
from stint.payments.models import ProviderAccount
from stint.payments.providers import (
    ProviderDeclined,
    ProviderError,
    ProviderUnavailable,
    get_provider,
)
from stint.payments.providers.stripe import StripeProvider, UrllibTransport
from tests.payments.stripe_replay import Recorded, ReplayTransport

KEY = "sk_test_123"


def stripe(routes: dict[str, tuple[int, str]]) -> tuple[StripeProvider, ReplayTransport]:
    transport = ReplayTransport(routes)
    return StripeProvider(api_key=KEY, webhook_secret="whsec_x", transport=transport), transport


def charge(provider: StripeProvider) -> Any:
    return provider.charge(
        amount=Money(11_000, "USD"),
        customer="cus_NffrFeUfNV2Hib",
        payment_method="pm_1MtwBwLkdIwHu7ixFeK0gUjq",
        description="Stint escrow engagement:42",
        idempotency_key="fund-42",
    )


def test_charge_creates_and_confirms_a_payment_intent() -> None:
    provider, transport = stripe({"/v1/payment_intents": (200, "payment_intent_succeeded")})
    result = charge(provider)
    assert result.provider_ref == "pi_3MtwBwLkdIwHu7ix28a3tqPa"
    assert result.amount == Money(11_000, "USD")
    (req,) = transport.requests
    assert req.method == "POST" and req.url == "https://api.stripe.com/v1/payment_intents"
    assert req.headers["Authorization"] == f"Bearer {KEY}"
    assert req.headers["Idempotency-Key"] == "fund-42"
    assert req.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert req.form == {
        "amount": "11000",
        "currency": "usd",
        "customer": "cus_NffrFeUfNV2Hib",
        "payment_method": "pm_1MtwBwLkdIwHu7ixFeK0gUjq",
        "confirm": "true",
        "off_session": "true",
        "description": "Stint escrow engagement:42",
        "metadata[stint_idempotency_key]": "fund-42",
    }


@pytest.mark.parametrize(
    ("status", "name", "error", "code"),
    [
        (402, "error_card_declined", ProviderDeclined, "card_declined"),
        (
            200,
            "payment_intent_requires_payment_method",
            ProviderDeclined,
            "authentication_required",
        ),
        (429, "error_rate_limit", ProviderUnavailable, "http_429"),
        (500, "error_rate_limit", ProviderUnavailable, "http_500"),
        (400, "error_idempotency", ProviderError, "idempotency_error"),
        (401, "error_authentication", ProviderError, "authentication"),
    ],
)
def test_charge_failures(status: int, name: str, error: type, code: str) -> None:
    provider, _ = stripe({"/v1/payment_intents": (status, name)})
    with pytest.raises(error) as exc:
        charge(provider)
    assert exc.value.code == code
    if error is ProviderError:
        assert not isinstance(exc.value, ProviderDeclined | ProviderUnavailable)


def test_refund_and_its_failure() -> None:
    provider, transport = stripe({"/v1/refunds": (200, "refund_succeeded")})
    result = provider.refund(
        amount=Money(11_000, "USD"),
        charge_ref="pi_3MtwBwLkdIwHu7ix28a3tqPa",
        idempotency_key="refund-42#refund0",
    )
    assert result.provider_ref == "re_1Nispe2eZvKYlo2Cd31jOCgZ"
    assert transport.requests[0].form["payment_intent"] == "pi_3MtwBwLkdIwHu7ix28a3tqPa"
    assert transport.requests[0].headers["Idempotency-Key"] == "refund-42#refund0"
    provider, _ = stripe({"/v1/refunds": (200, "refund_failed")})
    with pytest.raises(ProviderDeclined) as exc:
        provider.refund(amount=Money(11_000, "USD"), charge_ref="pi_x", idempotency_key="k")
    assert exc.value.code == "expired_or_canceled_card"


def test_payout_is_a_transfer_to_the_connected_account() -> None:
    provider, transport = stripe({"/v1/transfers": (200, "transfer_created")})
    result = provider.payout(
        amount=Money(10_000, "USD"),
        destination="acct_1MTfjCQ9PRzxEwkZ",
        description="Stint payout #1",
        idempotency_key="payout-1",
    )
    assert result.provider_ref == "tr_1MiN3gLkdIwHu7ixNCZvFdgA"
    assert transport.requests[0].form["destination"] == "acct_1MTfjCQ9PRzxEwkZ"
    provider, _ = stripe({"/v1/transfers": (400, "error_no_such_destination")})
    with pytest.raises(ProviderDeclined) as exc:
        provider.payout(
            amount=Money(10_000, "USD"),
            destination="acct_nope",
            description="",
            idempotency_key="k",
        )
    assert exc.value.code == "resource_missing"


def test_without_an_api_key_nothing_is_sent() -> None:
    transport = ReplayTransport({})
    provider = StripeProvider(api_key="", webhook_secret="", transport=transport)
    with pytest.raises(ProviderError) as exc:
        charge(provider)
    assert exc.value.code == "not_configured" and transport.requests == []


def test_urllib_transport_maps_network_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: Any, **kwargs: Any) -> None:
        raise urllib.error.URLError("connection refused")

    monkeypatch.setattr("urllib.request.urlopen", boom)
    with pytest.raises(ProviderUnavailable):
        UrllibTransport()("POST", "https://api.stripe.com/v1/x", {}, b"")
    with pytest.raises(ProviderError):
        UrllibTransport()("POST", "http://api.stripe.com/v1/x", {}, b"")


def test_settings_select_the_provider(settings: Any) -> None:
    settings.STINT_PAYMENT_PROVIDER = "stripe"
    assert get_provider().name == "stripe"
    settings.STINT_PAYMENT_PROVIDER = "sandbox"
    assert get_provider().name == "sandbox"
    with pytest.raises(ValueError):
        get_provider("paypal")


@pytest.mark.django_db
def test_the_ledger_over_stripe(
    monkeypatch: pytest.MonkeyPatch, alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    provider, transport = stripe(
        {
            "/v1/payment_intents": (200, "payment_intent_succeeded"),
            "/v1/transfers": (200, "transfer_created"),
        }
    )
    # Every payments service asks `providers.get_provider` at call time.
    monkeypatch.setattr("stint.payments.providers.get_provider", lambda name=None: provider)
    with pytest.raises(Exception) as exc:
        services.escrow_fund(
            ref="engagement:42", employer_id=5, fee=Money(10_000, "USD"), idempotency_key="fund-42"
        )
    assert getattr(exc.value, "code", "") == "no_payment_method"
    ProviderAccount.objects.create(
        provider="stripe",
        owner_kind="employer",
        owner_id=5,
        external_id="cus_NffrFeUfNV2Hib",
        payment_method="pm_1MtwBwLkdIwHu7ixFeK0gUjq",
        status="ready",
    )
    ProviderAccount.objects.create(
        provider="stripe",
        owner_kind="candidate",
        owner_id=alice.pk,
        external_id="acct_1MTfjCQ9PRzxEwkZ",
        status="ready",
    )
    tx = services.escrow_fund(
        ref="engagement:42", employer_id=5, fee=Money(10_000, "USD"), idempotency_key="fund-42"
    )
    assert tx.provider == "stripe" and tx.provider_ref == "pi_3MtwBwLkdIwHu7ix28a3tqPa"
    services.escrow_release(ref="engagement:42", candidate_id=alice.pk, idempotency_key="rel-42")
    with django_capture_on_commit_callbacks(execute=True):
        payout = services.payout_request(actor=alice, currency="USD", idempotency_key="payout-1")
    payout.refresh_from_db()
    assert payout.status == "paid" and payout.provider_ref == "tr_1MiN3gLkdIwHu7ixNCZvFdgA"
    assert [r.url.rsplit("/", 1)[-1] for r in transport.requests] == [
        "payment_intents",
        "transfers",
    ]
    assert transport.requests[1].headers["Idempotency-Key"] == "payout-1"


class FlakyTransport(ReplayTransport):
    """Fails the first `failures` calls (network down, then as given), then replays."""

    def __init__(self, routes: dict[str, tuple[int, str]], failures: list[int | None]) -> None:
        super().__init__(routes)
        self.failures = failures

    def __call__(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[int, bytes]:
        if self.failures:
            status = self.failures.pop(0)
            self.requests.append(Recorded(method, url, headers, {}))
            if status is None:
                raise ProviderUnavailable("connection reset", code="network")
            return status, b'{"error": {"type": "api_error", "message": "try again"}}'
        return super().__call__(method, url, headers, body)


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    # The SDK waits between retries; the waiting itself is not under test.
    import stripe as stripe_sdk

    monkeypatch.setattr(stripe_sdk.HTTPClient, "_sleep_time_seconds", lambda *a, **k: 0)


def test_the_sdk_retries_network_failures_and_5xx_with_the_same_key(no_backoff: None) -> None:
    transport = FlakyTransport(
        {"/v1/payment_intents": (200, "payment_intent_succeeded")}, [None, 503]
    )
    provider = StripeProvider(api_key=KEY, webhook_secret="", transport=transport, retries=2)
    assert charge(provider).provider_ref == "pi_3MtwBwLkdIwHu7ix28a3tqPa"
    assert len(transport.requests) == 3
    assert {r.headers["Idempotency-Key"] for r in transport.requests} == {"fund-42"}


def test_when_retries_run_out_stripe_is_unavailable(no_backoff: None) -> None:
    transport = FlakyTransport({}, [503, 503])
    provider = StripeProvider(api_key=KEY, webhook_secret="", transport=transport, retries=1)
    with pytest.raises(ProviderUnavailable) as exc:
        charge(provider)
    assert exc.value.code == "http_503" and len(transport.requests) == 2
