"""Stripe, Connect style, over plain HTTPS (no SDK): PaymentIntents charge the
employer's saved payment method off-session, Refunds return money, Transfers
pay a candidate's connected account. The HTTP transport is injectable so tests
replay recorded responses (tests/payments/fixtures/stripe/).

Onboarding: a candidate gets an Express connected account (`POST /v1/accounts`)
and finishes it on Stripe's hosted onboarding (`POST /v1/account_links`); an
employer gets a Customer (`POST /v1/customers`) and saves a card on a Checkout
Session in setup mode (`POST /v1/checkout/sessions`), read back on return with
`GET /v1/checkout/sessions/<id>?expand[]=setup_intent`."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Protocol

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
    ) -> None:
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        # Events about connected accounts (`account.updated`) come from a Connect
        # endpoint, which Stripe signs with its own secret.
        self.connect_webhook_secret = connect_webhook_secret
        self.transport: Transport = transport or UrllibTransport()
        self.api_base = api_base.rstrip("/")
        self.tolerance = tolerance

    # --- HTTP -----------------------------------------------------------------------

    def _post(
        self, path: str, params: dict[str, Any], idempotency_key: str, *, expect: str = "id"
    ) -> dict[str, Any]:
        if not self.api_key:
            raise ProviderError("STRIPE_API_KEY is not set.", code="not_configured")
        body = urllib.parse.urlencode(_flatten(params)).encode()
        headers = {
            "Authorization": f"Bearer {self.api_key}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Idempotency-Key": idempotency_key,
            "Stripe-Version": API_VERSION,
        }
        status, raw = self.transport("POST", self.api_base + path, headers, body)
        return self._answer(status, raw, expect)

    def _get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        if not self.api_key:
            raise ProviderError("STRIPE_API_KEY is not set.", code="not_configured")
        query = urllib.parse.urlencode(_flatten(params or {}))
        headers = {"Authorization": f"Bearer {self.api_key}", "Stripe-Version": API_VERSION}
        url = self.api_base + path + (f"?{query}" if query else "")
        status, raw = self.transport("GET", url, headers, None)
        return self._answer(status, raw, "id")

    @staticmethod
    def _answer(status: int, raw: bytes, expect: str) -> dict[str, Any]:
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            data = {}
        if status >= 500 or status == 429:
            raise ProviderUnavailable(f"Stripe answered {status}.", code=f"http_{status}")
        if status >= 400:
            error = data.get("error", {}) if isinstance(data, dict) else {}
            code = str(error.get("code") or error.get("type") or f"http_{status}")
            message = str(error.get("message") or f"Stripe answered {status}.")
            if error.get("type") == "idempotency_error":
                raise ProviderError(message, code="idempotency_error")
            if status in (401, 403):
                raise ProviderError(message, code="authentication")
            raise ProviderDeclined(message, code=code)
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
                signature.verify(payload, signature_header, secret, tolerance=self.tolerance)
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
                "payment_method_types": {"0": "card"},
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
            {"expand": {"0": "setup_intent"}},
        )
        state = checkout_session_state(session)
        if state.external_id and state.external_id != external_id:
            raise ProviderDeclined(
                "The setup session belongs to another customer.", code="customer_mismatch"
            )
        return state


def _flatten(params: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Stripe's form encoding: nested dicts become `metadata[key]=value`; empties are dropped."""
    out: list[tuple[str, str]] = []
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else key
        if isinstance(value, dict):
            out.extend(_flatten(value, name))
        elif value is not None and value != "":
            out.append((name, str(value)))
    return out
