"""Writes for interviews of shortlisted applicants: one side offers times, the
other picks one; rescheduling keeps the calendar event's UID and raises its
SEQUENCE; the employer's team keeps private notes."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from stint.accounts.models import User
from stint.applications import rules
from stint.applications.models import (
    ApplicationStatus,
    Interview,
    InterviewNote,
    InterviewSlot,
    InterviewStatus,
)
from stint.applications.selectors import access_application, access_interview, open_slots
from stint.applications.tasks import send_interview_invitations
from stint.core.errors import ConflictError, DomainError
from stint.core.tasks import enqueue_on_commit
from stint.notifications.services import notify


def _members(organisation_id: int, *, exclude: User | None = None) -> list[User]:
    qs = User.objects.filter(memberships__organisation_id=organisation_id, is_active=True)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs.distinct())


def _clean(value: str, *, field: str, limit: int, label: str, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(f"{field}_required", f"{label} is required.", field)
    if len(value) > limit:
        raise DomainError(f"{field}_too_long", f"{label} is at most {limit} characters.", field)
    return value


def _interview_url(interview: Interview) -> str:
    return reverse("growth_interview", args=[interview.pk])


def _tell_other_side(interview: Interview, side: str, *, actor: User, title: str) -> None:
    url = _interview_url(interview)
    if side == rules.EMPLOYER:
        notify(user=interview.application.candidate, kind="growth.interview", title=title, url=url)
    else:
        for member in _members(interview.application.opportunity.employer_id, exclude=actor):
            notify(user=member, kind="growth.interview", title=title, url=url)


def _slots(
    interview: Interview, starts: list[datetime], *, duration_minutes: int, field: str = "slots"
) -> None:
    problem = rules.slots_refusal(starts, now=timezone.now(), duration_minutes=duration_minutes)
    if problem:
        raise DomainError(
            problem[0], problem[1], "duration_minutes" if problem[0] == "bad_duration" else field
        )
    for s in sorted(starts):
        InterviewSlot.objects.create(
            interview=interview,
            starts_at=s,
            ends_at=s + timedelta(minutes=duration_minutes),
            round=interview.sequence,
        )


@transaction.atomic
def interview_propose(
    *,
    actor: User,
    application_id: int,
    slots: list[datetime],
    time_zone: str,
    duration_minutes: int = 30,
    meeting_url: str = "",
    location: str = "",
    title: str = "",
) -> Interview:
    """An employer member offers times to a shortlisted applicant."""
    application = access_application(
        actor=actor, application_id=application_id, for_update=True, side="employer"
    )
    if application.status != ApplicationStatus.SHORTLISTED:
        raise DomainError(
            "not_shortlisted", "Interviews are for shortlisted applicants.", "application_id"
        )
    if rules.zone(time_zone) is None:
        raise DomainError("bad_time_zone", "Choose a time zone such as Europe/London.", "time_zone")
    meeting_url = _clean(meeting_url, field="meeting_url", limit=500, label="The meeting link")
    if meeting_url and not meeting_url.startswith(("https://", "http://")):
        raise DomainError(
            "bad_meeting_url", "The meeting link starts with https://.", "meeting_url"
        )
    location = _clean(location, field="location", limit=200, label="The location")
    if Interview.objects.filter(
        application=application, status__in=[InterviewStatus.PROPOSED, InterviewStatus.SCHEDULED]
    ).exists():
        raise ConflictError(
            "interview_open", "This applicant already has an interview under way.", "application_id"
        )
    interview = Interview.objects.create(
        application=application,
        title=_clean(title, field="title", limit=140, label="The title")
        or f"Interview: {application.opportunity.title}",
        meeting_url=meeting_url,
        location=location,
        duration_minutes=duration_minutes,
        organizer=actor,
        employer_time_zone=time_zone,
        proposed_by_side=rules.EMPLOYER,
    )
    _slots(interview, slots, duration_minutes=duration_minutes)
    _tell_other_side(
        interview,
        rules.EMPLOYER,
        actor=actor,
        title=f"{application.opportunity.employer.name} invites you to an interview: pick a time",
    )
    return interview


@transaction.atomic
def interview_pick(*, actor: User, interview_id: int, slot_id: int) -> Interview:
    """The side that did not propose the times picks one; both get an invitation."""
    interview, side = access_interview(actor=actor, interview_id=interview_id, for_update=True)
    if interview.status != InterviewStatus.PROPOSED:
        raise ConflictError("not_proposed", "There is no time to pick right now.", "slot_id")
    if side == interview.proposed_by_side:
        raise DomainError(
            "own_proposal", "The other side picks from the times you offered.", "slot_id"
        )
    slot = next((s for s in open_slots(interview) if s.pk == slot_id), None)
    if slot is None:
        raise DomainError("slot_not_offered", "Pick one of the times offered.", "slot_id")
    interview.status = InterviewStatus.SCHEDULED
    interview.starts_at, interview.ends_at = slot.starts_at, slot.ends_at
    interview.updated_at = timezone.now()
    interview.save(update_fields=["status", "starts_at", "ends_at", "updated_at"])
    _tell_other_side(
        interview,
        side,
        actor=actor,
        title=f"Interview booked: {rules.in_zone(slot.starts_at, 'UTC')}",
    )
    enqueue_on_commit(send_interview_invitations, interview.pk)
    return interview


@transaction.atomic
def interview_reschedule(
    *,
    actor: User,
    interview_id: int,
    reason: str,
    slots: list[datetime],
    time_zone: str = "",
) -> Interview:
    """Either side offers new times with a reason; the other side picks. The
    calendar event keeps its UID and its SEQUENCE grows."""
    interview, side = access_interview(actor=actor, interview_id=interview_id, for_update=True)
    if interview.status == InterviewStatus.CANCELLED:
        raise ConflictError("cancelled", "This interview was cancelled.", "reason")
    reason = _clean(reason, field="reason", limit=1000, label="A reason", required=True)
    if side == rules.EMPLOYER and time_zone:
        if rules.zone(time_zone) is None:
            raise DomainError(
                "bad_time_zone", "Choose a time zone such as Europe/London.", "time_zone"
            )
        interview.employer_time_zone = time_zone
    problem = rules.slots_refusal(
        slots, now=timezone.now(), duration_minutes=interview.duration_minutes
    )
    if problem:
        raise DomainError(problem[0], problem[1], "slots")
    interview.sequence += 1
    interview.status = InterviewStatus.PROPOSED
    interview.proposed_by_side = side
    # starts_at/ends_at keep the last booked time: calendars hold it until the new
    # pick (same UID, higher SEQUENCE) replaces it, or a CANCEL removes it.
    interview.last_change_reason = reason
    interview.last_changed_by = actor
    interview.updated_at = timezone.now()
    interview.save()
    _slots(interview, slots, duration_minutes=interview.duration_minutes)
    _tell_other_side(
        interview,
        side,
        actor=actor,
        title=f"Interview to be rescheduled: pick a new time ({reason[:80]})",
    )
    return interview


@transaction.atomic
def interview_cancel(*, actor: User, interview_id: int, reason: str) -> Interview:
    interview, side = access_interview(actor=actor, interview_id=interview_id, for_update=True)
    if interview.status == InterviewStatus.CANCELLED:
        raise ConflictError("cancelled", "This interview is already cancelled.", "reason")
    reason = _clean(reason, field="reason", limit=1000, label="A reason", required=True)
    was_scheduled = interview.starts_at is not None
    interview.status = InterviewStatus.CANCELLED
    interview.sequence += 1
    interview.last_change_reason = reason
    interview.last_changed_by = actor
    interview.updated_at = timezone.now()
    interview.save()
    _tell_other_side(interview, side, actor=actor, title=f"Interview cancelled: {reason[:80]}")
    if was_scheduled:  # calendars hold the event: send METHOD:CANCEL
        enqueue_on_commit(send_interview_invitations, interview.pk)
    return interview


@transaction.atomic
def interview_note_add(
    *, actor: User, interview_id: int, text: str = "", would_recommend: int | None = None
) -> InterviewNote:
    """A private note of the employer's team, with an optional 1-4 rating."""
    interview, _ = access_interview(actor=actor, interview_id=interview_id, side=rules.EMPLOYER)
    text = _clean(text, field="text", limit=5000, label="The note")
    if would_recommend is not None and not 1 <= would_recommend <= 4:
        raise DomainError(
            "bad_rating", "'Would recommend' is 1 (no) to 4 (strongly).", "would_recommend"
        )
    if not text and would_recommend is None:
        raise DomainError("empty_note", "Write a note or give a rating.", "text")
    return InterviewNote.objects.create(
        interview=interview, author=actor, text=text, would_recommend=would_recommend
    )
