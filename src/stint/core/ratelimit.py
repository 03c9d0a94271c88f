"""Per-user rate limits, called explicitly by the services people could flood
(`ratelimit.hit("message_send", actor)`), so a page, a session and every API
token of one person share one counter per action.

Fixed windows, opened by each person's first attempt, in the default Django
cache (use a shared one, e.g. Redis, when running several processes). Limits come from settings as "<count>/<seconds>"
(the STINT_RATE_LIMIT_* named in ACTIONS). Over the limit the service raises
`core.errors.RateLimited`: pages answer 429 (`core.middleware`), the API 429 in
its JSON error shape with `code: "rate_limited"`; both send Retry-After.
Every attempt counts, refused or not: failed attempts are what a flood is made of.

Each counted attempt also leaves the caller's quota for this request
(`last_quota`); `core.middleware.RateLimitHeadersMiddleware` turns it into
`RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and
`RateLimit-Policy` headers, so an integrator sees the limit before hitting it.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache

from stint.core.errors import RateLimited

# action → the setting holding its rate. Services name the action they limit.
ACTIONS: dict[str, str] = {
    "application_submit": "STINT_RATE_LIMIT_APPLY",
    "message_send": "STINT_RATE_LIMIT_MESSAGE",
    "report_create": "STINT_RATE_LIMIT_REPORT",
    "entry_propose": "STINT_RATE_LIMIT_PROPOSAL",
}


@dataclass(frozen=True)
class Quota:
    """What one action's window leaves the caller, as the headers tell it."""

    action: str
    limit: int
    remaining: int
    reset: int  # seconds until the window starts again
    window: int


# The quota of the last limited action in this request (services run in the
# request's own context, so the middleware reads what the service counted).
_last: ContextVar[Quota | None] = ContextVar("stint_rate_quota", default=None)


def last_quota() -> Quota | None:
    return _last.get()


def clear_quota() -> None:
    _last.set(None)


def parse_rate(spec: str) -> tuple[int, int]:
    """ "10/3600" → (10 requests, 3600 seconds). Raises ValueError when malformed."""
    count, _, seconds = spec.partition("/")
    n, s = int(count), int(seconds)
    if n < 1 or s < 1:
        raise ValueError(f"Bad rate {spec!r}: use <count>/<seconds>, both positive.")
    return n, s


def hit(action: str, user: Any) -> None:
    """Count one attempt of `action` by `user`; raise RateLimited once the
    window is full. Anonymous callers are not counted here: the services refuse
    them anyway (and allauth limits logins and sign-ups by IP)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return
    limit, window = parse_rate(str(getattr(settings, ACTIONS[action])))
    now = int(time.time())
    # The window opens at this person's first attempt, not at a multiple of
    # the clock, so a burst is never split in two by a boundary. Its start is
    # part of the counter's key: caches whose incr resets the timeout (the
    # database and file caches) still start a fresh count for a new window.
    who = f"stint:rl:{action}:u{user.pk}"
    cache.add(f"{who}:start", now, timeout=window)
    start = cache.get(f"{who}:start")
    if start is None:  # expired between add and get
        start = now
        cache.set(f"{who}:start", now, timeout=window)
    key = f"{who}:{start}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    reset = max(int(start) + window - now, 1)
    _last.set(Quota(action, limit, max(limit - count, 0), reset, window))
    if count > limit:
        raise RateLimited(retry_after=reset)
