"""The interviews API (mounted with the "growth" tag, where it was first published;
operation ids are kept from then so that clients see no change)."""

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
from stint.core.schemas import ERRORS

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
    operation_id="stint_growth_api_interview_list",
)
def interview_list(request: HttpRequest) -> list[InterviewOut]:
    out = []
    for i in selectors.interviews_for(request.user):
        interview, side = selectors.access_interview(actor=request.user, interview_id=i.pk)
        out.append(_interview(interview, side))
    return out


@router.post(
    "/applications/{application_id}/interviews",
    response={201: InterviewOut, **ERRORS},
    summary="Employer: offer interview times to a shortlisted applicant",
    operation_id="stint_growth_api_interview_propose",
)
def interview_propose(
    request: HttpRequest, application_id: int, payload: InterviewIn
) -> Status[InterviewOut]:
    interview = interviews.interview_propose(
        actor=request.user, application_id=application_id, **payload.dict()
    )
    return Status(201, _interview(interview, "employer"))


@router.get(
    "/interviews/{interview_id}",
    response={200: InterviewOut, **ERRORS},
    summary="One interview",
    operation_id="stint_growth_api_interview_get",
)
def interview_get(request: HttpRequest, interview_id: int) -> InterviewOut:
    interview, side = selectors.access_interview(actor=request.user, interview_id=interview_id)
    return _interview(interview, side)


@router.post(
    "/interviews/{interview_id}/pick",
    response={200: InterviewOut, **ERRORS},
    summary="Pick one of the times offered",
    operation_id="stint_growth_api_interview_pick",
)
def interview_pick(request: HttpRequest, interview_id: int, payload: PickIn) -> InterviewOut:
    interviews.interview_pick(
        actor=request.user, interview_id=interview_id, slot_id=payload.slot_id
    )
    interview, side = selectors.access_interview(actor=request.user, interview_id=interview_id)
    return _interview(interview, side)


@router.post(
    "/interviews/{interview_id}/reschedule",
    response={200: InterviewOut, **ERRORS},
    summary="Offer new times, with a reason (either side)",
    operation_id="stint_growth_api_interview_reschedule",
)
def interview_reschedule(
    request: HttpRequest, interview_id: int, payload: RescheduleIn
) -> InterviewOut:
    interviews.interview_reschedule(actor=request.user, interview_id=interview_id, **payload.dict())
    interview, side = selectors.access_interview(actor=request.user, interview_id=interview_id)
    return _interview(interview, side)


@router.post(
    "/interviews/{interview_id}/cancel",
    response={200: InterviewOut, **ERRORS},
    summary="Cancel, with a reason (either side)",
    operation_id="stint_growth_api_interview_cancel",
)
def interview_cancel(
    request: HttpRequest, interview_id: int, payload: InterviewCancelIn
) -> InterviewOut:
    interviews.interview_cancel(
        actor=request.user, interview_id=interview_id, reason=payload.reason
    )
    interview, side = selectors.access_interview(actor=request.user, interview_id=interview_id)
    return _interview(interview, side)


@router.get(
    "/interviews/{interview_id}/calendar.ics",
    response={200: None, **ERRORS},
    summary="The interview's calendar file (RFC 5545)",
    operation_id="stint_growth_api_interview_calendar",
)
def interview_calendar(request: HttpRequest, interview_id: int) -> HttpResponse:
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
    operation_id="stint_growth_api_note_list",
)
def note_list(request: HttpRequest, interview_id: int) -> list[NoteOut]:
    interview, _ = selectors.access_interview(
        actor=request.user, interview_id=interview_id, side="employer"
    )
    return [_note(n) for n in interview.notes.select_related("author")]


@router.post(
    "/interviews/{interview_id}/notes",
    response={201: NoteOut, **ERRORS},
    summary="Employer: add a private note and a 1-4 'would recommend'",
    operation_id="stint_growth_api_note_add",
)
def note_add(request: HttpRequest, interview_id: int, payload: NoteIn) -> Status[NoteOut]:
    note = interviews.interview_note_add(
        actor=request.user, interview_id=interview_id, **payload.dict()
    )
    return Status(201, _note(note))
