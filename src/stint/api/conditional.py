"""ETags on API objects and `If-Match` on their changes (issue 16), so two clients
editing one object do not silently overwrite each other.

- Every successful JSON `GET` under /api/ carries `ETag` (a hash of the body);
  `If-None-Match` with it answers 304.
- A `201 Created` from a POST to a collection names the new object in `Location`
  when the collection's URL plus the new id is itself an API path.
- A `PATCH`, `PUT` or `DELETE` with `If-Match` is checked against the ETag the `GET`
  of the same URL answers now, for the same caller: a mismatch is 412
  `precondition_failed` and nothing changes. `If-Match: *` only asks that it exists.
The check and the write are two steps: a write landing between them is not caught
(the services' own row locks still keep data whole).
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve

from stint.api.errors import error_body

CHANGES = frozenset({"PATCH", "PUT", "DELETE"})


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _tags(header: str) -> set[str]:
    return {t.strip().removeprefix("W/") for t in header.split(",") if t.strip()}


class ConditionalApiMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        if request.method in CHANGES and "If-Match" in request.headers:
            refused = self._precondition(request)
            if refused is not None:
                return refused
        response = self.get_response(request)
        if request.method == "POST" and response.status_code == 201 and "Location" not in response:
            self._locate(request, response)
        if request.method == "GET" and self._taggable(response):
            tag = etag_of(response.content)
            response["ETag"] = tag
            if tag in _tags(request.headers.get("If-None-Match", "")):
                not_modified = HttpResponse(status=304)
                not_modified["ETag"] = tag
                return not_modified
        return response

    @staticmethod
    def _locate(request: HttpRequest, response: HttpResponse) -> None:
        if not response.get("Content-Type", "").startswith("application/json"):
            return
        try:
            created = json.loads(response.content)
        except ValueError:
            return
        new_id = created.get("id") if isinstance(created, dict) else None
        if not isinstance(new_id, int):
            return
        url = f"{request.path.rstrip('/')}/{new_id}"
        try:
            match = resolve(url)
        except Resolver404:
            return
        if match.url_name or match.route:  # a real API path, not a catch-all
            response["Location"] = url

    @staticmethod
    def _taggable(response: HttpResponse) -> bool:
        return (
            response.status_code == 200
            and not getattr(response, "streaming", False)
            and response.get("Content-Type", "").startswith("application/json")
        )

    def _precondition(self, request: HttpRequest) -> HttpResponse | None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        current = copy.copy(request)
        current.method = "GET"
        current.META = {**request.META, "REQUEST_METHOD": "GET"}
        answer = match.func(current, *match.args, **match.kwargs)
        wanted = _tags(request.headers["If-Match"])
        if answer.status_code == 200 and self._taggable(answer):
            if "*" in wanted or etag_of(answer.content) in wanted:
                return None
        elif answer.status_code in (404, 405):
            return None  # nothing to compare with: the change itself answers
        detail = "The object changed since you read it: read it again, then retry."
        return JsonResponse(
            error_body(
                detail, [{"field": "If-Match", "message": detail}], code="precondition_failed"
            ),
            status=412,
        )
