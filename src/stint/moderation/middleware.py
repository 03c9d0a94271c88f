"""Security headers (a strict Content-Security-Policy and friends) on every
response, and the request context the audit log reads its actor and IP from."""

from __future__ import annotations

import contextvars
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# No inline scripts, styles or event handlers anywhere in our templates.
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)
# Pages we do not write ourselves. The ninja Swagger page loads its scripts from
# /static/ninja (its settings are a JSON data block, not a script) but Swagger UI
# sets inline style attributes at run time; the Django admin does likewise.
# Scripts stay 'self' only.
RELAXED_STYLE_CSP = STRICT_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
RELAXED_PREFIXES = ("/api/v1/docs", "/admin/")

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)

_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "stint_current_request", default=None
)


def current_request() -> HttpRequest | None:
    """The request being handled in this thread/task, for the audit log."""
    return _current_request.get()


def policy_for(path: str) -> str:
    return RELAXED_STYLE_CSP if path.startswith(RELAXED_PREFIXES) else STRICT_CSP


class SecurityHeadersMiddleware:
    """Adds CSP, Permissions-Policy and cross-origin headers (Django's own
    SecurityMiddleware adds nosniff, Referrer-Policy, COOP and HSTS), and
    remembers the request for the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current_request.reset(token)
        response.headers.setdefault("Content-Security-Policy", policy_for(request.path))
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


# Views of lower apps limited here by their URL name, so that applications need
# not import moderation (it sits below it): (namespace, url name) → (scope, setting).
RATE_LIMITED_VIEWS: dict[tuple[str, str], tuple[str, str]] = {
    ("", "application_apply"): ("apply", "STINT_RATE_LIMIT_APPLY"),
    ("api-1", "application_submit"): ("apply", "STINT_RATE_LIMIT_APPLY"),
    ("", "application_message"): ("message", "STINT_RATE_LIMIT_MESSAGE"),
    ("api-1", "message_send"): ("message", "STINT_RATE_LIMIT_MESSAGE"),
    # ninja resolves endpoint annotations in the endpoint's module, so API
    # endpoints are limited here rather than by the `rate_limited` decorator.
    ("api-1", "report_create"): ("report", "STINT_RATE_LIMIT_REPORT"),
}


class RateLimitMiddleware:
    """Applies `ratelimit` to the views in RATE_LIMITED_VIEWS (POST only). Must
    come after AuthenticationMiddleware; API token callers are keyed by a hash of
    their token (the token is checked later, by the endpoint)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., object], args: object, kwargs: object
    ) -> HttpResponse | None:
        if request.method != "POST" or request.resolver_match is None:
            return None
        match = request.resolver_match
        entry = RATE_LIMITED_VIEWS.get((match.namespace or "", match.url_name or ""))
        if entry is None:
            return None
        from stint.moderation.ratelimit import check

        return check(request, *entry)
