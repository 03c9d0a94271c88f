"""A small cache-based rate limiter for writes people could flood (applying,
messaging, reporting), as a decorator for HTML views and ninja endpoints.

Fixed windows per user (or per client IP when anonymous). Limits come from
settings as "<count>/<seconds>" (STINT_RATE_LIMIT_*). Over the limit: HTML views
answer 429 with a short page, API endpoints 429 in the API's JSON error shape,
both with Retry-After. Views of apps below moderation (applying, messaging) are
limited by `middleware.RateLimitMiddleware` through the same `check`. The cache is the
default Django cache: use a shared one (Redis) when running several processes.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from stint.moderation.rules import parse_rate

F = TypeVar("F", bound=Callable[..., Any])

MESSAGE = "Too many requests: you are doing that too often. Please wait {wait} and try again."


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(MESSAGE.format(wait=_wait_words(retry_after)))


def _wait_words(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = (seconds + 59) // 60
    return f"{minutes} minutes"


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _who(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return f"u{user.pk}"
    auth = str(request.META.get("HTTP_AUTHORIZATION") or "")
    if auth.lower().startswith("bearer "):
        # Keyed by a hash of the token: the token itself never reaches the cache.
        return "t" + hashlib.sha256(auth[7:].strip().encode()).hexdigest()[:24]
    return f"ip{client_ip(request)}"


def hit(scope: str, who: str, rate: str) -> None:
    """Count one request; raise RateLimited when the window is full."""
    limit, window = parse_rate(rate)
    now = int(time.time())
    bucket = now // window
    key = f"stint:rl:{scope}:{who}:{bucket}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        raise RateLimited(retry_after=max((bucket + 1) * window - now, 1))


def too_many(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    """The 429 answer: the API's JSON error shape, or a short page."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": str(exc), "errors": [], "code": "rate_limited"}, status=429
        )
    else:
        response = HttpResponse(
            render_to_string("moderation/429.html", {"message": str(exc)}, request=request),
            status=429,
        )
    response["Retry-After"] = str(exc.retry_after)
    return response


def check(request: HttpRequest, scope: str, setting: str) -> HttpResponse | None:
    """None when the request may go on, else the 429 response."""
    try:
        hit(scope, _who(request), getattr(settings, setting))
    except RateLimited as exc:
        return too_many(request, exc)
    return None


def rate_limited(
    scope: str, setting: str, *, methods: tuple[str, ...] = ("POST",)
) -> Callable[[F], F]:
    """Limit a Django view to the rate in `settings.<setting>`; only `methods`
    count. (For ninja endpoints use RATE_LIMITED_VIEWS in middleware.py: ninja
    reads endpoint annotations from the endpoint's own module.)"""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if request.method in methods:
                refused = check(request, scope, setting)
                if refused is not None:
                    return refused
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
