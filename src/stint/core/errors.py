"""Errors raised by services and access checks, turned into HTTP answers in
one place for HTML (form errors, 403/404 pages) and one for the API (JSON)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import transaction


class DomainError(Exception):
    """A rule of the product refused the action. `field` names the input at fault."""

    status = 422

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def problems(self) -> list[DomainError]:
        """Every refusal this error carries (one, unless it is an `InvalidFields`)."""
        return [self]


class InvalidFields(DomainError):
    """Several fields at fault, reported together so a form or an API caller
    sees every error in one submit (issue 14), not one per try."""

    def __init__(self, errors: list[DomainError]) -> None:
        first = errors[0]
        message = (
            first.message
            if len(errors) == 1
            else f"{len(errors)} fields need attention: " + " ".join(e.message for e in errors)
        )
        super().__init__(first.code, message, first.field)
        self.errors = errors

    def problems(self) -> list[DomainError]:
        return list(self.errors)


class FieldProblems:
    """Collects refusals while a validator checks every field, then raises them
    at once: `problems.add(...)` or `with problems.check(): ...`, then `problems.raise_any()`."""

    def __init__(self) -> None:
        self.errors: list[DomainError] = []

    def add(self, code: str, message: str, field: str | None = None) -> None:
        self.errors.append(DomainError(code, message, field))

    @contextmanager
    def check(self) -> Iterator[None]:
        try:
            yield
        except DomainError as exc:
            self.errors.extend(exc.problems())

    def has(self, field: str) -> bool:
        return any(e.field == field for e in self.errors)

    def raise_any(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise InvalidFields(self.errors)


T = TypeVar("T")


class _RollBack(Exception):
    """Undoes a probe's writes (and drops its on-commit side effects)."""


def call_reporting_every_field(
    service: Callable[..., T], *, fixed: Mapping[str, Any], fields: Mapping[str, Any]
) -> T:
    """Call `service(**fixed, **fields)`. When it refuses, ask it again about each
    field alone, each time rolled back, and raise every refusal at once (an
    InvalidFields), so a form or an API caller sees all fields at fault in one
    submit (issue 14). The service stays the only place that knows the rules; this
    needs a service whose fields are all optional (None leaves a field as it is),
    such as `profile_update`."""
    try:
        with transaction.atomic():
            return service(**fixed, **fields)
    except DomainError as first:
        found: list[DomainError] = []
        for name, value in fields.items():
            try:
                with transaction.atomic():
                    service(**fixed, **{name: value})
                    raise _RollBack
            except _RollBack:
                continue
            except DomainError as exc:
                found.extend(exc.problems())
        if len(found) > 1:
            raise InvalidFields(found) from first
        raise


class ConflictError(DomainError):
    """The action clashes with the object's current state (e.g. already accepted)."""

    status = 409


class NotFound(Exception):
    """The object does not exist, or the caller may not know that it does."""


class Forbidden(Exception):
    """The caller may see the object but not do this to it."""


class RateLimited(Exception):
    """Too many attempts of one action by one person (`core.ratelimit.hit`).
    Not a DomainError on purpose: views catch DomainError to show it on a form,
    and this must reach the 429 answer instead."""

    status = 429
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        self.message = f"Too many requests: you are doing that too often. Please wait {_wait_words(retry_after)} and try again."
        super().__init__(self.message)


def _wait_words(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{(seconds + 59) // 60} minutes"
