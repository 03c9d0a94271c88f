"""Signed webhook headers in the scheme Stripe uses and Stint's own webhooks copy:
`t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>[,v1=…]`. One place for
the computation; each user decides what a failure means (payments raise, a webhook
receiver answers no)."""

from __future__ import annotations

import hashlib
import hmac


def compute(secret: str, timestamp: int, payload: bytes) -> str:
    signed = str(timestamp).encode() + b"." + payload
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def header_for(secret: str, payload: bytes, timestamp: int) -> str:
    return f"t={timestamp},v1={compute(secret, timestamp, payload)}"


def parse(header: str) -> tuple[int | None, list[str]]:
    """The header's timestamp (None when absent) and its v1 signatures; a timestamp
    that is not a whole number raises ValueError."""
    timestamp: int | None = None
    candidates: list[str] = []
    for part in (header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            timestamp = int(value)
        elif key == "v1" and value:
            candidates.append(value)
    return timestamp, candidates


def matches(secret: str, timestamp: int, payload: bytes, candidates: list[str]) -> bool:
    expected = compute(secret, timestamp, payload)
    return any(hmac.compare_digest(expected, c) for c in candidates)
