"""Schemas every app's API shares: the one error shape, enums from model choices and
the declaration of file downloads."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from ninja import Schema


def one_of(values: Iterable[str]) -> Any:
    """The type of a string that takes one of `values`, so the schema lists them as
    an enum and a generated client gets a type, not `str` (issue 16, item 7). Pass
    the model's TextChoices (`one_of(OfferStatus)`) to keep the model the one source."""
    return Literal[tuple(str(v) for v in values)]


def download(*media_types: str) -> dict[str, Any]:
    """`openapi_extra` of an operation that answers a file: its 200 names the media
    types, each a binary body, so a generated client hands back bytes, not JSON."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {
        "responses": {
            200: {"description": "The file", "content": dict.fromkeys(media_types, binary)}
        }
    }


RESUME_TYPES = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "text/plain",
)

# The kinds of a taxonomy skill (`stint_engine.taxonomy.model.Skill.kind`).
SKILL_KINDS = ("skill", "knowledge", "tool", "group")


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
