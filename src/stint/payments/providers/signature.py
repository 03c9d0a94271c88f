"""Webhook signatures in Stripe's scheme:
`Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>[,v1=…]`."""

from __future__ import annotations

import time

from stint.core import signing
from stint.payments.providers.base import WebhookSignatureError

DEFAULT_TOLERANCE = 300  # seconds either side of now


compute = signing.compute


def header_for(secret: str, payload: bytes, timestamp: int | None = None) -> str:
    """Build a header (for tests and the sandbox's own events)."""
    return signing.header_for(secret, payload, int(time.time()) if timestamp is None else timestamp)


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
    try:
        timestamp, candidates = signing.parse(header)
    except ValueError:
        raise WebhookSignatureError("Bad timestamp in signature.", code="bad_signature") from None
    if timestamp is None or not candidates:
        raise WebhookSignatureError("Malformed signature header.", code="bad_signature")
    if not signing.matches(secret, timestamp, payload, candidates):
        raise WebhookSignatureError("Signature does not match.", code="bad_signature")
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise WebhookSignatureError("Signature timestamp is outside the tolerance.", code="stale")
    return timestamp
