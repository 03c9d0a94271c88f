"""`Idempotency-Key` on every API write (POST, PUT, PATCH, DELETE), as Stripe does.

A client that retries after a timeout sends the same key: if the first request
finished, the retry gets its answer again (`Idempotent-Replayed: true`) and nothing
runs twice; if it is still running, 409 `idempotency_key_in_use`; the same key with
a different request is 409 `idempotency_key_reused`. Keys belong to the caller (the
person, whichever token or session they use) and are kept for a day
(`prune_idempotency_keys`). 5xx answers are not kept, so a retry runs again.
Multipart uploads are fingerprinted by their size, not their bytes, to avoid
reading a large body twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from stint.api.auth import caller_for
from stint.api.errors import error_body
from stint.api.models import IdempotentRequest

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
HEADER = "Idempotency-Key"
KEEP = timedelta(hours=24)


def _caller(request: HttpRequest) -> Any:
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return caller_for(request)  # a personal or an OAuth app's token
    user = getattr(request, "user", None)
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return None
    return user


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.get_full_path()}\n".encode())
    if request.content_type == "multipart/form-data":
        digest.update(f"multipart:{request.headers.get('Content-Length', '')}".encode())
    else:
        digest.update(request.body)
    return digest.hexdigest()


def _refusal(status: int, detail: str, code: str) -> JsonResponse:
    return JsonResponse(
        error_body(detail, [{"field": HEADER, "message": detail}], code=code), status=status
    )


def _replay(row: IdempotentRequest) -> HttpResponse:
    response = HttpResponse(
        bytes(row.body), status=row.status or 200, content_type=row.content_type or None
    )
    if row.location:
        response["Location"] = row.location
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method not in WRITES or not request.path.startswith("/api/"):
            return self.get_response(request)
        if not key or len(key) > 255 or not key.isprintable():
            return _refusal(422, f"{HEADER} must be 1 to 255 printable characters.", "invalid")
        user = _caller(request)
        if user is None:
            return self.get_response(request)  # the API answers 401 itself
        fingerprint = _fingerprint(request)
        try:
            with transaction.atomic():
                row = IdempotentRequest.objects.create(user=user, key=key, fingerprint=fingerprint)
        except IntegrityError:
            earlier = IdempotentRequest.objects.filter(user=user, key=key).first()
            if earlier is None:  # pruned between the two statements: treat as new
                return self.get_response(request)
            if earlier.fingerprint != fingerprint:
                return _refusal(
                    409,
                    f"This {HEADER} was used for a different request.",
                    "idempotency_key_reused",
                )
            if earlier.status is None:
                refused = _refusal(
                    409,
                    f"A request with this {HEADER} is still running; retry shortly.",
                    "idempotency_key_in_use",
                )
                refused["Retry-After"] = "1"
                return refused
            return _replay(earlier)
        response = self.get_response(request)
        if response.status_code >= 500 or getattr(response, "streaming", False):
            row.delete()  # nothing to replay: a retry runs again
            return response
        row.status = response.status_code
        row.content_type = response.get("Content-Type", "")
        row.body = response.content
        row.location = response.get("Location", "")[:500]
        row.save(update_fields=["status", "content_type", "body", "location"])
        return response


def prune(now: Any = None) -> int:
    cutoff = (now or timezone.now()) - KEEP
    deleted, _ = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted
