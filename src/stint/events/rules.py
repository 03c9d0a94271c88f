"""Pure rules of events and webhooks, tested without a database: the kinds,
the signature, the retry schedule and which target addresses are allowed."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from datetime import timedelta

from stint.core import signing

KINDS: tuple[str, ...] = (
    "application.received",
    "offer.accepted",
    "offer.declined",
    "engagement.funded",
    "engagement.submitted",
    "engagement.approved",
    "engagement.paid",
    "review.received",
)

SIGNATURE_HEADER = "Stint-Signature"
REPLAY_WINDOW = 300  # seconds a receiver should accept a signature's timestamp for
MAX_ATTEMPTS = 8  # per delivery; then it is failed (a person may replay it)
DISABLE_AFTER = 15  # consecutive failed attempts before the endpoint is turned off
FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=6)


def unknown_kinds(kinds: Iterable[str]) -> list[str]:
    return [k for k in kinds if k not in KINDS]


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The `Stint-Signature` header value: HMAC-SHA256 over "<timestamp>.<body>"
    (the scheme of `core.signing`, the one payments' webhooks check)."""
    return signing.header_for(secret, body, timestamp)


def verify(secret: str, header: str, body: bytes, *, now: int, window: int = REPLAY_WINDOW) -> bool:
    """What a receiver does: the signature matches and its timestamp is recent
    (an old, replayed request fails even with a valid signature)."""
    try:
        timestamp, candidates = signing.parse(header)
    except ValueError:
        return False
    if timestamp is None or abs(now - timestamp) > window:
        return False
    return signing.matches(secret, timestamp, body, candidates[-1:])  # the one Stint sends


def retry_delay(attempts: int) -> timedelta | None:
    """How long to wait after the `attempts`-th failed attempt: doubling from a
    minute, capped at six hours; None once the delivery has had its last try."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LAST_RETRY)


def should_disable(consecutive_failures: int) -> bool:
    return consecutive_failures >= DISABLE_AFTER


def address_refusal(addresses: Iterable[str], *, production: bool) -> str | None:
    """Why a target resolving to `addresses` may not be called, or None. Production
    sends only to public addresses; development and tests also to loopback, so a
    receiver on the developer's own machine works."""
    found = list(addresses)
    if not found:
        return "The host does not resolve to any address."
    for raw in found:
        ip = ipaddress.ip_address(raw.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        if ip.is_loopback and not production:
            continue
        if not ip.is_global or ip.is_multicast:
            return f"{ip} is not a public address."
    return None
