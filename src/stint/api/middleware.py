"""Every answer under /api/ is JSON in the API's error shape, including those
ninja never sees: an unknown path (Django's 404 page), a method the path does
not take (ninja's bare 405), or a 500 page."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from stint.api.errors import code_for, error_body

DETAILS = {
    404: "Not found: no such API path.",
    405: "This path does not take the {method} method.",
    500: "Something went wrong on our side.",
}


class ApiJsonErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/api/") or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            if getattr(response, "streaming", False):
                return response
            return self._with_code(response)
        detail = DETAILS.get(response.status_code, "The request failed.")
        body = error_body(detail.format(method=request.method), code=code_for(response.status_code))
        replaced = JsonResponse(body, status=response.status_code)
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                replaced[header] = response[header]
        return replaced

    @staticmethod
    def _with_code(response: HttpResponse) -> HttpResponse:
        """JSON errors written outside the API's handlers get a `code` too."""
        try:
            body = json.loads(response.content)
        except ValueError:
            return response
        if isinstance(body, dict) and "detail" in body and not body.get("code"):
            body["code"] = code_for(response.status_code)
            body.setdefault("errors", [])
            response.content = json.dumps(body).encode()
            response["Content-Length"] = str(len(response.content))
        return response
