"""Stripe, Connect style, through the official SDK (`stripe`): PaymentIntents charge
the employer's saved payment method off-session, Refunds return money, Transfers pay
a candidate's connected account. The SDK does the request encoding, its retries of
network failures and 409/5xx answers (every write carries an Idempotency-Key, so a
retry cannot charge twice), its error types and webhook signature checks; its HTTP
goes through an injectable transport so tests replay recorded responses
(tests/payments/fixtures/stripe/).

Onboarding: a candidate gets an Express connected account (`POST /v1/accounts`)
and finishes it on Stripe's hosted onboarding (`POST /v1/account_links`); an
employer gets a Customer (`POST /v1/customers`) and saves a card on a Checkout
Session in setup mode (`POST /v1/checkout/sessions`), read back on return with
`GET /v1/checkout/sessions/<id>?expand[]=setup_intent`."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

import stripe as stripe_sdk

from stint.core.money import Money
from stint.payments.providers import signature
from stint.payments.providers.base import (
    AccountState,
    Onboarding,
    ProviderDeclined,
    ProviderError,
    ProviderResult,
    ProviderUnavailable,
    WebhookEvent,
    WebhookSignatureError,
)
from stint.payments.providers.objects import checkout_session_state, connected_account_state
from stint.payments.providers.sandbox import event_from_json

API_BASE = "https://api.stripe.com"
API_VERSION = "2024-06-20"


class Transport(Protocol):
    def __call__(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[int, bytes]: ...


class UrllibTransport:
    """The real transport: urllib with a timeout; network trouble is ProviderUnavailable."""

    def __init__(self, timeout: float = 30.0) -> None:
        self.timeout = timeout

    def __call__(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[int, bytes]:
        if not url.startswith("https://"):
            raise ProviderError("Stripe is only reached over HTTPS.")
        request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except (TimeoutError, urllib.error.URLError, ConnectionError) as exc:
            raise ProviderUnavailable(f"Stripe unreachable: {exc}", code="network") from exc


def _minor_for_stripe(amount: Money) -> int:
    # Stripe takes the smallest currency unit, which is our minor unit (JPY has none).
    return amount.amount


class StripeProvider:
    name = "stripe"

    def __init__(
        self,
        *,
        api_key: str,
        webhook_secret: str,
        connect_webhook_secret: str = "",
        transport: Transport | None = None,
        api_base: str = API_BASE,
        tolerance: int = signature.DEFAULT_TOLERANCE,
        retries: int = 2,
    ) -> None:
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        # Events about connected accounts (`account.updated`) come from a Connect
        # endpoint, which Stripe signs with its own secret.
        self.connect_webhook_secret = connect_webhook_secret
        self.transport: Transport = transport or UrllibTransport()
        self.api_base = api_base.rstrip("/")
        self.tolerance = tolerance
        # Network failures, 409 and 5xx are retried by the SDK with backoff.
        self.retries = retries
        self._sdk: stripe_sdk.StripeClient | None = None

    # --- HTTP -----------------------------------------------------------------------

    def _client(self) -> stripe_sdk.StripeClient:
        if not self.api_key:
            raise ProviderError("STRIPE_API_KEY is not set.", code="not_configured")
        if self._sdk is None:
            self._sdk = stripe_sdk.StripeClient(
                self.api_key,
                stripe_version=API_VERSION,
                base_addresses={"api": self.api_base},
                http_client=_TransportClient(self.transport),
                max_network_retries=self.retries,
            )
        return self._sdk

    def _post(
        self, path: str, params: dict[str, Any], idempotency_key: str, *, expect: str = "id"
    ) -> dict[str, Any]:
        client = self._client()
        with _stripe_errors():
            response = client.raw_request("post", path, idempotency_key=idempotency_key, **params)
        return self._answer(response.data, expect)

    def _get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        client = self._client()
        with _stripe_errors():
            response = client.raw_request("get", path, **(params or {}))
        return self._answer(response.data, "id")

    @staticmethod
    def _answer(data: Any, expect: str) -> dict[str, Any]:
        if not isinstance(data, dict) or expect not in data:
            raise ProviderUnavailable("Stripe answered without an object.", code="bad_response")
        return data

    @staticmethod
    def _result(data: dict[str, Any]) -> ProviderResult:
        return ProviderResult(
            provider_ref=str(data["id"]),
            amount=Money(int(data["amount"]), str(data["currency"]).upper()),
            status=str(data.get("status", "succeeded")),
            raw=data,
        )

    # --- Operations -------------------------------------------------------------------

    def charge(
        self,
        *,
        amount: Money,
        customer: str,
        payment_method: str,
        description: str,
        idempotency_key: str,
    ) -> ProviderResult:
        data = self._post(
            "/v1/payment_intents",
            {
                "amount": _minor_for_stripe(amount),
                "currency": amount.currency.lower(),
                "customer": customer,
                "payment_method": payment_method,
                "confirm": "true",
                "off_session": "true",
                "description": description,
                "metadata": {"stint_idempotency_key": idempotency_key},
            },
            idempotency_key,
        )
        status = data.get("status")
        if status == "processing":
            raise ProviderUnavailable("The payment is still processing.", code="processing")
        if status != "succeeded":
            error = data.get("last_payment_error") or {}
            raise ProviderDeclined(
                str(error.get("message") or f"Payment {status}."),
                code=str(error.get("code") or status or "declined"),
            )
        return self._result(data)

    def refund(self, *, amount: Money, charge_ref: str, idempotency_key: str) -> ProviderResult:
        data = self._post(
            "/v1/refunds",
            {
                "payment_intent": charge_ref,
                "amount": _minor_for_stripe(amount),
                "metadata": {"stint_idempotency_key": idempotency_key},
            },
            idempotency_key,
        )
        if data.get("status") in ("failed", "canceled"):
            raise ProviderDeclined(
                f"Refund {data.get('status')}: {data.get('failure_reason') or 'unknown'}.",
                code=str(data.get("failure_reason") or "refund_failed"),
            )
        return self._result(data)

    def payout(
        self, *, amount: Money, destination: str, description: str, idempotency_key: str
    ) -> ProviderResult:
        data = self._post(
            "/v1/transfers",
            {
                "amount": _minor_for_stripe(amount),
                "currency": amount.currency.lower(),
                "destination": destination,
                "description": description,
                "metadata": {"stint_idempotency_key": idempotency_key},
            },
            idempotency_key,
        )
        return self._result(data)

    def parse_webhook(self, payload: bytes, signature_header: str) -> WebhookEvent:
        secrets = [self.webhook_secret] + (
            [self.connect_webhook_secret] if self.connect_webhook_secret else []
        )
        first: WebhookSignatureError | None = None
        for secret in secrets:
            try:
                _verify_signature(payload, signature_header, secret, self.tolerance)
            except WebhookSignatureError as exc:
                # "stale" means the signature matched this secret: that is the answer.
                if first is None or exc.code == "stale":
                    first = exc
                continue
            return event_from_json(payload)
        assert first is not None
        raise first

    # --- Onboarding -------------------------------------------------------------------

    def payout_account_start(
        self,
        *,
        external_id: str,
        owner_ref: str,
        email: str,
        country: str,
        return_url: str,
        refresh_url: str,
        idempotency_key: str,
    ) -> Onboarding:
        if external_id:
            state = self.payout_account_state(external_id=external_id)
            if state.ready:
                return Onboarding(state=state)
        else:
            state = connected_account_state(
                self._post(
                    "/v1/accounts",
                    {
                        "type": "express",
                        "country": country,
                        "email": email,
                        "business_type": "individual",
                        "capabilities": {"transfers": {"requested": "true"}},
                        "metadata": {"stint_owner": owner_ref},
                    },
                    idempotency_key,
                )
            )
        # Account links are single-use and expire within minutes: a fresh key each time.
        link = self._post(
            "/v1/account_links",
            {
                "account": state.external_id,
                "type": "account_onboarding",
                "refresh_url": refresh_url,
                "return_url": return_url,
            },
            f"{idempotency_key}:link:{uuid.uuid4().hex}",
            expect="url",
        )
        return Onboarding(state=state, url=str(link["url"]))

    def payout_account_state(self, *, external_id: str) -> AccountState:
        return connected_account_state(
            self._get(f"/v1/accounts/{urllib.parse.quote(external_id, safe='')}")
        )

    def payment_setup_start(
        self,
        *,
        external_id: str,
        owner_ref: str,
        email: str,
        name: str,
        success_url: str,
        cancel_url: str,
        idempotency_key: str,
    ) -> Onboarding:
        customer = external_id
        if not customer:
            customer = str(
                self._post(
                    "/v1/customers",
                    {"email": email, "name": name, "metadata": {"stint_owner": owner_ref}},
                    idempotency_key,
                )["id"]
            )
        session = self._post(
            "/v1/checkout/sessions",
            {
                "mode": "setup",
                "customer": customer,
                "payment_method_types": ["card"],
                "success_url": success_url,
                "cancel_url": cancel_url,
                "client_reference_id": owner_ref,
                "setup_intent_data": {"metadata": {"stint_owner": owner_ref}},
                "metadata": {"stint_owner": owner_ref},
            },
            f"{idempotency_key}:setup:{uuid.uuid4().hex}",
        )
        if not session.get("url"):
            raise ProviderUnavailable("Stripe answered without a setup page.", code="bad_response")
        return Onboarding(
            state=AccountState(external_id=customer, status="pending"),
            url=str(session["url"]),
            setup_ref=str(session["id"]),
        )

    def payment_setup_state(self, *, external_id: str, setup_ref: str) -> AccountState:
        session = self._get(
            f"/v1/checkout/sessions/{urllib.parse.quote(setup_ref, safe='')}",
            {"expand": ["setup_intent"]},
        )
        state = checkout_session_state(session)
        if state.external_id and state.external_id != external_id:
            raise ProviderDeclined(
                "The setup session belongs to another customer.", code="customer_mismatch"
            )
        return state


class _TransportClient(stripe_sdk.HTTPClient):
    """The SDK's HTTP through our transport (urllib in production, replays in tests)."""

    name = "stint-transport"

    def __init__(self, transport: Transport) -> None:
        super().__init__()
        self.transport = transport

    def request(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        post_data: Any = None,
        *,
        _usage: list[str] | None = None,
    ) -> tuple[str, int, Mapping[str, str]]:
        body = post_data.encode() if isinstance(post_data, str) else post_data
        try:
            status, raw = self.transport(method.upper(), url, dict(headers or {}), body)
        except ProviderUnavailable as exc:  # the SDK retries these, then raises its own
            raise stripe_sdk.APIConnectionError(str(exc), should_retry=True) from exc
        return raw.decode("utf-8", "replace"), status, {}

    def request_stream(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("Stint does not stream from Stripe.")

    def close(self) -> None:
        return None


@contextmanager
def _stripe_errors() -> Iterator[None]:
    """The SDK's errors, as the Provider interface's three kinds."""
    try:
        yield
    except stripe_sdk.IdempotencyError as exc:
        raise ProviderError(exc.user_message or str(exc), code="idempotency_error") from exc
    except (stripe_sdk.AuthenticationError, stripe_sdk.PermissionError) as exc:
        raise ProviderError(exc.user_message or str(exc), code="authentication") from exc
    except stripe_sdk.APIConnectionError as exc:
        raise ProviderUnavailable(f"Stripe unreachable: {exc}", code="network") from exc
    except stripe_sdk.StripeError as exc:
        status = exc.http_status or 0
        if status >= 500 or status == 429:
            raise ProviderUnavailable(f"Stripe answered {status}.", code=f"http_{status}") from exc
        error = exc.error
        code = str(
            (error.code if error else None)
            or (error.type if error else None)
            or exc.code
            or f"http_{status}"
        )
        message = str((error.message if error else None) or f"Stripe answered {status}.")
        raise ProviderDeclined(message, code=code) from exc


def _verify_signature(payload: bytes, header: str, secret: str, tolerance: int) -> None:
    """Stripe's own check of `Stripe-Signature`; a too old (or future) timestamp is
    "stale", any other failure "bad_signature"."""
    if not secret:
        raise WebhookSignatureError("No webhook secret is configured.", code="no_secret")
    try:
        stripe_sdk.WebhookSignature.verify_header(
            payload.decode("utf-8", "replace"), header or "", secret, tolerance
        )
    except stripe_sdk.SignatureVerificationError as exc:
        stale = "tolerance" in str(exc).lower()
        raise WebhookSignatureError(
            "Signature timestamp is outside the tolerance."
            if stale
            else "Signature does not match.",
            code="stale" if stale else "bad_signature",
        ) from exc
