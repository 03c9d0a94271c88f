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
