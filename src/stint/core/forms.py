from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from django import forms
from django.db import transaction

from stint.core.errors import DomainError


@contextmanager
def apply_domain_error(form: forms.Form) -> Iterator[None]:
    """Turn a service's DomainError into an error shown next to the field at fault.

    The one place where HTML views translate service refusals (the API has its
    twin in `stint.api.errors`).
    """
    try:
        yield
    except DomainError as exc:
        field = exc.field if exc.field in form.fields else None
        form.add_error(field, exc.message)


T = TypeVar("T")


class _RollBack(Exception):
    """Undoes a probe's writes (and drops its on-commit side effects)."""


def submit_showing_every_error(
    form: forms.Form,
    service: Callable[..., T],
    *,
    fixed: Mapping[str, Any],
    fields: Mapping[str, Any],
) -> T | None:
    """Call `service(**fixed, **fields)`. When it refuses, ask it again about each
    field alone, each time rolled back, so the form shows every field at fault at
    once (issue 14: not one error per submit). The service stays the only place
    that knows the rules; this needs a service whose fields are all optional
    (None leaves a field as it is), such as `profile_update`. None when refused."""
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
                found.append(exc)
        for exc in found or [first]:
            field = exc.field if exc.field in form.fields else None
            if field is None or field not in form.errors:
                form.add_error(field, exc.message)
        return None
