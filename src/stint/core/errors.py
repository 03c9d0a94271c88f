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
