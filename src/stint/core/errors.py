"""Errors raised by services and access checks, turned into HTTP answers in
one place for HTML (form errors, 403/404 pages) and one for the API (JSON)."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the product refused the action. `field` names the input at fault."""

    status = 422

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


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
