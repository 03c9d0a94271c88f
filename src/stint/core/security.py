"""Security headers on every response: a strict Content-Security-Policy, a
Permissions-Policy and the cross-origin headers Django's own
SecurityMiddleware does not add."""

from __future__ import annotations

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


def policy_for(path: str) -> str:
    return RELAXED_STYLE_CSP if path.startswith(RELAXED_PREFIXES) else STRICT_CSP


class SecurityHeadersMiddleware:
    """Adds CSP, Permissions-Policy and cross-origin headers (Django's own
    SecurityMiddleware adds nosniff, Referrer-Policy, COOP and HSTS; the
    defaults here cover responses it did not see)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", policy_for(request.path))
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
