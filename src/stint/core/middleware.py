from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from stint.core import ratelimit
from stint.core.errors import Forbidden, NotFound, RateLimited
from stint.core.views import error_403, error_404, error_429


class AccessErrorMiddleware:
    """HTML pages: an access check's NotFound/Forbidden becomes the 404/403
    page (and a service's RateLimited the 429 page), in one place, so views need no try/except around `access_*`.
    (The API has its own handlers in `stint.api.errors`.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            return error_404(request, exception)
        if isinstance(exception, Forbidden):
            return error_403(request, exception)
        if isinstance(exception, RateLimited):
            return error_429(request, exception)
        return None


class RejectNulMiddleware:
    """Query strings and form fields with a NUL character are refused with 400
    before any view runs: PostgreSQL text cannot hold one, so they could only
    fail later as a server error. (JSON bodies are checked by the API's parser,
    which names the field.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        bad = self._bad_field(request)
        if bad is not None:
            message = "Text may not contain NUL characters."
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": message, "errors": [{"field": bad, "message": message}]}, status=400
                )
            return HttpResponse(message, status=400, content_type="text/plain")
        return self.get_response(request)

    @staticmethod
    def _bad_field(request: HttpRequest) -> str | None:
        sources = [request.GET]
        if request.method == "POST" and request.content_type in {
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        }:
            sources.append(request.POST)
        for data in sources:
            for key, values in data.lists():
                if "\x00" in key or any("\x00" in v for v in values):
                    return key.replace("\x00", "")
        return None


_MAX_ID = 2**63 - 1


class OutOfRangeIdMiddleware:
    """An all-digit path segment beyond the database's integer range cannot name
    any object: answer 404 before a view turns it into a query the database
    cannot even bind (SQLite raises OverflowError, a 500)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for segment in request.path.split("/"):
            if segment.isdigit() and (len(segment) > 19 or int(segment) > _MAX_ID):
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": "Not found.", "errors": []}, status=404)
                return error_404(request)
        return self.get_response(request)


class RateLimitHeadersMiddleware:
    """Tells the caller of a rate-limited action how much of its window is left
    (`RateLimit-Limit`, `-Remaining`, `-Reset` in seconds, and `-Policy` as
    `<limit>;w=<window>`, after the IETF httpapi draft), on pages and the API
    alike, whether the action went through or was refused. The counting itself
    stays in the service (`core.ratelimit.hit`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ratelimit.clear_quota()
        response = self.get_response(request)
        quota = ratelimit.last_quota()
        if quota is not None:
            response["RateLimit-Limit"] = str(quota.limit)
            response["RateLimit-Remaining"] = str(quota.remaining)
            response["RateLimit-Reset"] = str(quota.reset)
            response["RateLimit-Policy"] = f"{quota.limit};w={quota.window}"
            ratelimit.clear_quota()
        return response


def viewer_time_zone(user: object) -> zoneinfo.ZoneInfo | None:
    """The zone a signed-in person's pages are shown in: their profile's (candidates
    keep one), None for everyone else (UTC, the storage zone). A name the database
    holds but zoneinfo does not know is treated as no zone rather than a 500."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_candidate", False):
        return None
    # The reverse one-to-one, not an import of profiles: core is the bottom layer.
    profile = getattr(user, "profile", None)
    name = getattr(profile, "time_zone", "") or ""
    if not name or name == "UTC":
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class ViewerTimeZoneMiddleware:
    """Pages render times in the viewer's zone (`{{ t|date:"j M Y H:i T" }}` names it).
    Storage stays UTC; the API keeps ISO 8601 with an offset, so it is left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = None if request.path.startswith("/api/") else viewer_time_zone(request.user)
        if zone is None:
            timezone.deactivate()
            return self.get_response(request)
        timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
