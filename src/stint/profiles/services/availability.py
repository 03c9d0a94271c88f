"""Availability: the date windows a candidate can work in."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError
from stint.profiles import rules
from stint.profiles.models import AvailabilityWindow
from stint.profiles.services.common import _child, _own, _touch


@transaction.atomic
def window_add(*, actor: User, start: date, end: date) -> AvailabilityWindow:
    profile = _own(actor)
    others = list(profile.windows.values_list("start", "end"))
    problem = rules.window_problem(start, end, others, timezone.localdate())
    if problem is not None:
        field, message = problem
        raise DomainError("bad_window", message, field)
    if len(others) >= rules.MAX_WINDOWS:
        raise ConflictError(
            "too_many_windows", f"Keep at most {rules.MAX_WINDOWS} date windows.", "start"
        )
    window = AvailabilityWindow.objects.create(profile=profile, start=start, end=end)
    _touch(profile)
    return window


@transaction.atomic
def window_remove(*, actor: User, window_id: int) -> None:
    profile = _own(actor)
    _child(AvailabilityWindow, profile, window_id, "date window").delete()
    _touch(profile)
