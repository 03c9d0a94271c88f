"""The interviews API: part of applications (ADR 0018); its operationIds, once kept
from the growth area, are `applications.interview_*` since issue 16 item 7."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from stint.applications import interviews, selectors
from stint.applications.models import Interview, InterviewNote
from stint.applications.schemas import (
    InterviewCancelIn,
    InterviewIn,
    InterviewOut,
    NoteIn,
    NoteOut,
    PickIn,
    RescheduleIn,
    SlotOut,
)
from stint.applications.selectors import interview_ics
from stint.core.errors import NotFound
from stint.core.schemas import ERRORS, download

router = Router()


def _interview(interview: Interview, side: str) -> InterviewOut:
    view = selectors.interview_view(interview, side)
    scheduled = interview.status == "scheduled"
    return InterviewOut(
        id=interview.pk,
        application_id=interview.application_id,
        opportunity_id=interview.application.opportunity_id,
        title=interview.title,
        status=interview.status,
        uid=str(interview.uid),
        sequence=interview.sequence,
        meeting_url=interview.meeting_url,
        location=interview.location,
        duration_minutes=interview.duration_minutes,
        employer_time_zone=view.employer_time_zone,
        candidate_time_zone=view.candidate_time_zone,
        proposed_by=interview.proposed_by_side,
        can_pick=view.can_pick,
        starts_at=interview.starts_at if scheduled else None,
        ends_at=interview.ends_at if scheduled else None,
        when_candidate=view.when_candidate if scheduled else "",
        when_employer=view.when_employer if scheduled else "",
        slots=[SlotOut(**s.__dict__) for s in view.slots],
        last_change_reason=interview.last_change_reason,
        my_side=side,
    )


def _note(n: InterviewNote) -> NoteOut:
    return NoteOut(
        id=n.pk,
        author=n.author.display_name if n.author else "",
        text=n.text,
        would_recommend=n.would_recommend,
        created_at=n.created_at,
    )


@router.get(
    "/interviews",
    response={200: list[InterviewOut], **ERRORS},
    summary="Your interviews",
)
def interview_list(request: HttpRequest) -> list[InterviewOut]:
    """Your interviews, as a candidate or as a member of an employer, soonest first."""
    out = []
    for i in selectors.interviews_for(request.user):
        interview, side = selectors.access_interview(actor=request.user, interview_id=i.pk)
        out.append(_interview(interview, side))
    return out


@router.post(
    "/applications/{application_id}/interviews",
    response={201: InterviewOut, **ERRORS},
    summary="Employer: offer interview times to a shortlisted applicant",
)
def interview_propose(
    request: HttpRequest, application_id: int, payload: InterviewIn
) -> Status[InterviewOut]:
    """Offer interview times to a shortlisted applicant, with a title and a meeting link or
    place. Members of the posting's employer only; an application not shortlisted is 409,
    times in the past or a bad time zone 422."""
    interview = interviews.interview_propose(
        actor=request.user, application_id=application_id, **payload.dict()
    )
    return Status(201, _interview(interview, "employer"))


@router.get(
    "/interviews/{interview_id}",
    response={200: InterviewOut, **ERRORS},
    summary="One interview",
)
def interview_get(request: HttpRequest, interview_id: int) -> InterviewOut:
    """One interview, with the times offered and the one picked. Its candidate or the
    employer's team (404 otherwise)."""
    interview, side = selectors.access_interview(actor=request.user, interview_id=interview_id)
    return _interview(interview, side)


@router.post(
    "/interviews/{interview_id}/pick",
    response={200: InterviewOut, **ERRORS},
    summary="Pick one of the times offered",
)
def interview_pick(request: HttpRequest, interview_id: int, payload: PickIn) -> InterviewOut:
    """Pick one of the times offered. The candidate only; a time that was not offered is 422
    `slot_not_offered`, a cancelled interview 409."""
    interviews.interview_pick(
        actor=request.user, interview_id=interview_id, slot_id=payload.slot_id
    )
    interview, side = selectors.access_interview(actor=request.user, interview_id=interview_id)
    return _interview(interview, side)


@router.post(
    "/interviews/{interview_id}/reschedule",
    response={200: InterviewOut, **ERRORS},
    summary="Offer new times, with a reason (either side)",
)
def interview_reschedule(
    request: HttpRequest, interview_id: int, payload: RescheduleIn
) -> InterviewOut:
    """Offer new times, with a reason. Either side; a cancelled interview is 409 `cancelled`."""
    interviews.interview_reschedule(actor=request.user, interview_id=interview_id, **payload.dict())
    interview, side = selectors.access_interview(actor=request.user, interview_id=interview_id)
    return _interview(interview, side)


@router.post(
    "/interviews/{interview_id}/cancel",
    response={200: InterviewOut, **ERRORS},
    summary="Cancel, with a reason (either side)",
)
def interview_cancel(
    request: HttpRequest, interview_id: int, payload: InterviewCancelIn
) -> InterviewOut:
    """Cancel an interview, with a reason the other side reads. Either side; an interview
    already cancelled is 409."""
    interviews.interview_cancel(
        actor=request.user, interview_id=interview_id, reason=payload.reason
    )
    interview, side = selectors.access_interview(actor=request.user, interview_id=interview_id)
    return _interview(interview, side)


@router.get(
    "/interviews/{interview_id}/calendar.ics",
    response={200: None, **ERRORS},
    openapi_extra=download("text/calendar"),
    summary="The interview's calendar file (RFC 5545)",
)
def interview_calendar(request: HttpRequest, interview_id: int) -> HttpResponse:
    """The interview as a calendar file (`text/calendar`, RFC 5545) to add to any calendar.
    Either side; 404 until a time has been picked."""
    interview, _ = selectors.access_interview(actor=request.user, interview_id=interview_id)
    content = interview_ics(interview)
    if content is None:
        raise NotFound("No time has been picked yet.")
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="interview-{interview.pk}.ics"'
    return response


@router.get(
    "/interviews/{interview_id}/notes",
    response={200: list[NoteOut], **ERRORS},
    summary="Employer: the team's private notes",
)
def note_list(request: HttpRequest, interview_id: int) -> list[NoteOut]:
    """The employer team's private notes on an interview; the candidate never sees them.
    Members of the employer only."""
    interview, _ = selectors.access_interview(
        actor=request.user, interview_id=interview_id, side="employer"
    )
    return [_note(n) for n in interview.notes.select_related("author")]


@router.post(
    "/interviews/{interview_id}/notes",
    response={201: NoteOut, **ERRORS},
    summary="Employer: add a private note and a 1-4 'would recommend'",
)
def note_add(request: HttpRequest, interview_id: int, payload: NoteIn) -> Status[NoteOut]:
    """Add a private note to an interview with a 1-4 'would recommend'. Members of the employer
    only; an empty note is 422 `empty_note`."""
    note = interviews.interview_note_add(
        actor=request.user, interview_id=interview_id, **payload.dict()
    )
    return Status(201, _note(note))
