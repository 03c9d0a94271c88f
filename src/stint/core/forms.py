from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from stint.core.errors import DomainError, call_reporting_every_field


def form_field_for(form: forms.Form, field: str | None) -> str | None:
    """The form field showing a service's error about `field`. Services name their
    inputs as the API does (`fee_minor`, `student_ids`); a form whose fields differ
    maps them in `service_fields` (`{"fee_minor": "fee"}`). None: a form-wide error."""
    if field is None:
        return None
    field = getattr(form, "service_fields", {}).get(field, field)
    return field if field in form.fields else None


@contextmanager
def flash_refusal(request: HttpRequest) -> Iterator[None]:
    """A service's refusal of an action posted without a form to show it on (a button):
    its message is flashed on the page the view redirects to. The one place for it,
    beside `apply_domain_error` for forms."""
    try:
        yield
    except DomainError as exc:
        messages.error(request, exc.message)


@contextmanager
def apply_domain_error(form: forms.Form) -> Iterator[None]:
    """Turn a service's DomainError into an error shown next to the field at fault.

    The one place where HTML views translate service refusals (the API has its
    twin in `stint.api.errors`).
    """
    try:
        yield
    except DomainError as exc:
        # An InvalidFields carries every field at fault: show them all at once.
        for problem in exc.problems():
            form.add_error(form_field_for(form, problem.field), problem.message)


T = TypeVar("T")


def submit_showing_every_error(
    form: forms.Form,
    service: Callable[..., T],
    *,
    fixed: Mapping[str, Any],
    fields: Mapping[str, Any],
) -> T | None:
    """`call_reporting_every_field` for a form: every field at fault is shown on
    the form at once (issue 14: not one error per submit). None when refused."""
    try:
        return call_reporting_every_field(service, fixed=fixed, fields=fields)
    except DomainError as exc:
        for problem in exc.problems():
            field = form_field_for(form, problem.field)
            if field is None or field not in form.errors:
                form.add_error(field, problem.message)
        return None
