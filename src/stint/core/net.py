"""The client's address behind the proxies we run (STINT_TRUSTED_PROXIES).

Each trusted proxy appends the address it received the request from to
X-Forwarded-For, so with N of them the client is the N-th entry from the right;
anything further left was written by the client and is not believed. A request
that did not pass through all of them (too few entries) falls back to the
socket address.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _clean(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address to rate-limit and audit for this request, or None if unknown."""
    trusted = getattr(settings, "STINT_TRUSTED_PROXIES", None) or 0
    forwarded = request.headers.get("x-forwarded-for", "")
    if trusted > 0 and forwarded:
        hops = [hop for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= trusted:
            return _clean(hops[-trusted])
    remote = request.META.get("REMOTE_ADDR")
    return _clean(str(remote)) if remote else None
