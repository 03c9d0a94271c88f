from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from stint.core.errors import Forbidden, NotFound
from stint.core.views import error_403, error_404


class AccessErrorMiddleware:
    """HTML pages: an access check's NotFound/Forbidden becomes the 404/403
    page, in one place, so views need no try/except around `access_*`.
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
        return None
