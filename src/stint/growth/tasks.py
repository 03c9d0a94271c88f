from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from stint.accounts.models import User
from stint.growth import rules
from stint.growth.models import Interview, InterviewStatus


def calendar_event(interview: Interview) -> rules.CalendarEvent:
    """The interview as a calendar event (scheduled, or cancelled after being scheduled)."""
    application = interview.application
    candidate = application.candidate
    organizer: User | None = interview.organizer
    employer = application.opportunity.employer
    org_person = rules.Person(
        name=f"{organizer.display_name} ({employer.name})" if organizer else employer.name,
        email=organizer.email if organizer else settings.DEFAULT_FROM_EMAIL,
    )
    attendees = (rules.Person(candidate.display_name, candidate.email),)
    site = settings.SITE_URL.rstrip("/")
    description = f"Interview for {application.opportunity.title} with {employer.name}. "
    description += f"Details: {site}{reverse('growth_interview', args=[interview.pk])}"
    if interview.status == InterviewStatus.CANCELLED and interview.last_change_reason:
        description += f"\nCancelled: {interview.last_change_reason}"
    assert interview.starts_at is not None and interview.ends_at is not None
    return rules.CalendarEvent(
        uid=f"{interview.uid}@stint",
        sequence=interview.sequence,
        starts_at=interview.starts_at,
        ends_at=interview.ends_at,
        summary=interview.title,
        description=description,
        organizer=org_person,
        attendees=attendees,
        stamp=interview.updated_at or timezone.now(),
        location=interview.location,
        url=interview.meeting_url,
        cancelled=interview.status == InterviewStatus.CANCELLED,
    )


def interview_ics(interview: Interview) -> str | None:
    if interview.starts_at is None or interview.ends_at is None:
        return None
    return rules.ics(calendar_event(interview))


@task()
def send_interview_invitations(interview_id: int) -> None:
    """Email the candidate and the organiser the calendar file for the interview's
    current SEQUENCE. Idempotent: each SEQUENCE is sent once (row lock + sent_sequence)."""
    with transaction.atomic():
        interview = (
            Interview.objects.select_for_update(of=("self",))
            .select_related(
                "application__candidate", "application__opportunity__employer", "organizer"
            )
            .filter(pk=interview_id)
            .first()
        )
        if interview is None or interview.sent_sequence >= interview.sequence:
            return  # sent already (or nothing to send)
        if interview.status == InterviewStatus.PROPOSED:
            return  # between a reschedule and the new pick: the next pick sends it
        content = interview_ics(interview)
        if content is None:
            return
        cancelled = interview.status == InterviewStatus.CANCELLED
        method = "CANCEL" if cancelled else "REQUEST"
        recipients = [interview.application.candidate.email]
        if interview.organizer is not None:
            recipients.append(interview.organizer.email)
        subject = (
            f"[Stint] Cancelled: {interview.title}"
            if cancelled
            else f"[Stint] Invitation: {interview.title}"
        )
        body = (
            f"{interview.title}\n"
            f"When (UTC): {interview.starts_at:%Y-%m-%d %H:%M}\n"
            f"Where: {interview.meeting_url or interview.location or 'see the interview page'}\n"
        )
        if cancelled:
            body += f"Cancelled: {interview.last_change_reason}\n"
        for to in dict.fromkeys(recipients):
            msg = EmailMessage(subject=subject, body=body, to=[to])
            msg.attach("interview.ics", content, f"text/calendar; method={method}; charset=utf-8")
            msg.send()
        interview.sent_sequence = interview.sequence
        interview.save(update_fields=["sent_sequence"])
