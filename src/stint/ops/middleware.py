"""Request ids and request latency.

`RequestIdMiddleware` goes first in MIDDLEWARE: it takes a sane X-Request-ID
from the client (or the proxy) or makes one, exposes it to every log record of
the request through a contextvar, returns it as X-Request-ID, and observes the
request's latency by route name and status for /metrics.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

from stint.core import metrics
from stint.ops.logs import request_id_var

HEADER = "X-Request-ID"
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unresolved"
    return match.view_name or match.route or "unnamed"


def _forget_request_id(**kwargs: object) -> None:
    # After the response is closed: Django logs 4xx/5xx responses after the middleware
    # chain has returned, and those records must still carry the id.
    request_id_var.set("-")


request_finished.connect(_forget_request_id, dispatch_uid="stint.ops.forget_request_id")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(HEADER, "")
        rid = incoming if _VALID.match(incoming) else uuid.uuid4().hex
        request.request_id = rid  # type: ignore[attr-defined]
        request_id_var.set(rid)
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response[HEADER] = rid
            return response
        finally:
            metrics.observe(
                "stint_http_request_duration_seconds",
                time.perf_counter() - started,
                route=_route(request),
                method=request.method or "",
                status=status,
            )
