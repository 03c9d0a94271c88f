from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django import forms

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
