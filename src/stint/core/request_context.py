"""The request being handled, for code that records where an action came from
(the audit log's IP). Set by `RequestContextMiddleware`; outside a request
(shell, tasks, tests calling services) there is none. Never used to find out
who acts: the actor is always passed explicitly."""

from __future__ import annotations

import contextvars
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from stint.core.net import client_ip

_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "stint_current_request", default=None
)


def current_request() -> HttpRequest | None:
    """The request being handled in this thread/task, if any."""
    return _current_request.get()


def request_ip() -> str | None:
    """The client address of the current request (behind the trusted proxies,
    `core.net.client_ip`), or None outside a request."""
    request = _current_request.get()
    if request is None:
        return None
    return client_ip(request)


class RequestContextMiddleware:
    """Remembers the request for the duration of its handling."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)
