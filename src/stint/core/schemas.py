"""Schemas every app's API shares: the one error shape."""

from __future__ import annotations

from ninja import Schema


class FieldError(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError]
    code: str | None = None


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
# Operations whose service counts a rate limit (`core.ratelimit.hit`) also declare 429.
LIMITED_ERRORS = {**ERRORS, 429: ErrorOut}
