"""Background work for applications: thin wrappers, each one service call.

The periodic ones are scheduled in stint/ops/schedule.py; each is idempotent.
"""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.db import transaction
from django_tasks import task

from stint.applications import services
from stint.applications.models import Interview, InterviewStatus
from stint.applications.selectors import interview_ics


@task()
def auto_decline_stale() -> int:
    """No ghosting: close applications left unanswered for STINT_AUTO_DECLINE_DAYS,
    and every open application of an opportunity that is no longer published."""
    return services.applications_auto_decline_stale()


@task()
def expire_offers() -> int:
    """Offers past their deadline become `offer_expired`."""
    return services.offers_expire_due()


@task()
def close_applications_for_opportunity(opportunity_id: int) -> int:
    """For the opportunities app: enqueue this (after commit) when it closes,
    fills or archives an opportunity."""
    return services.applications_close_for_opportunity(opportunity_id=opportunity_id)


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
