"""Stripe, Connect style, over plain HTTPS (no SDK): PaymentIntents charge the
employer's saved payment method off-session, Refunds return money, Transfers
pay a candidate's connected account. The HTTP transport is injectable so tests
replay recorded responses (tests/payments/fixtures/stripe/)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Protocol

from stint.core.money import Money
from stint.payments.providers import signature
from stint.payments.providers.base import (
    ProviderDeclined,
    ProviderError,
    ProviderResult,
    ProviderUnavailable,
    WebhookEvent,
)
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
        transport: Transport | None = None,
        api_base: str = API_BASE,
        tolerance: int = signature.DEFAULT_TOLERANCE,
    ) -> None:
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.transport: Transport = transport or UrllibTransport()
        self.api_base = api_base.rstrip("/")
        self.tolerance = tolerance

    # --- HTTP -----------------------------------------------------------------------

    def _post(self, path: str, params: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
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
        if not isinstance(data, dict) or "id" not in data:
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
        signature.verify(payload, signature_header, self.webhook_secret, tolerance=self.tolerance)
        return event_from_json(payload)


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
