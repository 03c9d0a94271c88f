"""Per-user rate limits, called explicitly by the services people could flood
(`ratelimit.hit("message_send", actor)`), so a page, a session and every API
token of one person share one counter per action.

Fixed windows in the default Django cache (use a shared one, e.g. Redis, when
running several processes). Limits come from settings as "<count>/<seconds>"
(the STINT_RATE_LIMIT_* named in ACTIONS). Over the limit the service raises
`core.errors.RateLimited`: pages answer 429 (`core.middleware`), the API 429 in
its JSON error shape with `code: "rate_limited"`; both send Retry-After.
Every attempt counts, refused or not: failed attempts are what a flood is made of.
"""

from __future__ import annotations

import time
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
    bucket = now // window
    # Keyed by the user, never by the token or session: tokens are free to create.
    key = f"stint:rl:{action}:u{user.pk}:{bucket}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        raise RateLimited(retry_after=max((bucket + 1) * window - now, 1))
