"""The candidate's hours."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError
from stint.engagements import rules
from stint.engagements.models import (
    TimeLog,
)
from stint.engagements.services.common import _clean_text, _locked

# --- Hours -------------------------------------------------------------------------------------


@transaction.atomic
def timelog_add(
    *, actor: User, engagement_id: int, day: date, minutes: int, note: str = ""
) -> TimeLog:
    engagement, _ = _locked(actor, engagement_id, side=rules.CANDIDATE)
    if engagement.status not in rules.WORKING and engagement.status != rules.DISPUTED:
        raise ConflictError("not_working", "Log hours while the work is under way.", "minutes")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 < minutes <= 24 * 60:
        raise DomainError("bad_minutes", "Log between 1 minute and 24 hours a day.", "minutes")
    if day > timezone.localdate():
        raise DomainError("future_day", "You cannot log hours in the future.", "day")
    if engagement.started_at and day < timezone.localdate(engagement.started_at):
        raise DomainError("before_start", "That day is before the work started.", "day")
    note = _clean_text(note, field="note", max_len=200)
    return TimeLog.objects.create(
        engagement=engagement, candidate=actor, day=day, minutes=minutes, note=note
    )
