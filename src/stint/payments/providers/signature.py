"""Webhook signatures in Stripe's scheme:
`Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>[,v1=…]`."""

from __future__ import annotations

import hashlib
import hmac
import time

from stint.payments.providers.base import WebhookSignatureError

DEFAULT_TOLERANCE = 300  # seconds either side of now


def compute(secret: str, timestamp: int, payload: bytes) -> str:
    signed = str(timestamp).encode() + b"." + payload
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def header_for(secret: str, payload: bytes, timestamp: int | None = None) -> str:
    """Build a header (for tests and the sandbox's own events)."""
    ts = int(time.time()) if timestamp is None else timestamp
    return f"t={ts},v1={compute(secret, ts, payload)}"


def verify(
    payload: bytes,
    header: str,
    secret: str,
    *,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> int:
    """Check the header; return its timestamp or raise WebhookSignatureError."""
    if not secret:
        raise WebhookSignatureError("No webhook secret is configured.", code="no_secret")
    timestamp: int | None = None
    candidates: list[str] = []
    for part in (header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                raise WebhookSignatureError(
                    "Bad timestamp in signature.", code="bad_signature"
                ) from None
        elif key == "v1" and value:
            candidates.append(value)
    if timestamp is None or not candidates:
        raise WebhookSignatureError("Malformed signature header.", code="bad_signature")
    expected = compute(secret, timestamp, payload)
    if not any(hmac.compare_digest(expected, c) for c in candidates):
        raise WebhookSignatureError("Signature does not match.", code="bad_signature")
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise WebhookSignatureError("Signature timestamp is outside the tolerance.", code="stale")
    return timestamp
