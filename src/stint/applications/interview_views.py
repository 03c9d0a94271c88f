"""The interview pages (under /growth/, where they were first published)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from stint.applications import interviews, selectors
from stint.applications.forms import (
    CancelForm,
    InterviewProposeForm,
    NoteForm,
    PickForm,
    RescheduleForm,
)
from stint.applications.selectors import access_application, interview_ics
from stint.core.errors import DomainError, NotFound
from stint.core.forms import apply_domain_error


def _slot_errors(form: forms.Form, exc: DomainError) -> None:
    """A service refusal about `slots` belongs next to the first time field."""
    field = "slot1" if exc.field == "slots" else exc.field
    form.add_error(field if field in form.fields else None, exc.message)


@login_required
def interview_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "applications/interviews.html",
        {"interviews": selectors.interviews_for(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def interview_propose(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_application(
        actor=request.user, application_id=application_id, side="employer"
    )
    form = InterviewProposeForm(request.POST or None, initial={"time_zone": "UTC"})
    if request.method == "POST" and form.is_valid():
        try:
            interview = interviews.interview_propose(
                actor=request.user,
                application_id=application.pk,
                slots=form.utc_slots(),
                time_zone=form.cleaned_data["time_zone"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                meeting_url=form.cleaned_data["meeting_url"],
                location=form.cleaned_data["location"],
                title=form.cleaned_data["title"],
            )
        except DomainError as exc:
            _slot_errors(form, exc)
        else:
            messages.success(request, "Times sent; the candidate will pick one.")
            return redirect("growth_interview", interview_id=interview.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "applications/interview_propose.html",
        {"form": form, "application": application},
        status=status,
    )


def _interview_page(
    request: HttpRequest, interview_id: int, *, status: int = 200, **forms_: forms.Form
) -> HttpResponse:
    interview, side = selectors.access_interview(actor=request.user, interview_id=interview_id)
    view = selectors.interview_view(interview, side)
    context = {
        "view": view,
        "interview": interview,
        "side": side,
        "pick_form": PickForm(slots=view.slots),
        "reschedule_form": RescheduleForm(
            initial={
                "time_zone": view.employer_time_zone
                if side == "employer"
                else view.candidate_time_zone
            }
        ),
        "cancel_form": CancelForm(),
        "note_form": NoteForm(),
        "has_ics": interview.starts_at is not None and interview.status != "proposed",
    }
    context.update(forms_)
    return render(request, "applications/interview.html", context, status=status)


@login_required
def interview_detail(request: HttpRequest, interview_id: int) -> HttpResponse:
    return _interview_page(request, interview_id)


@login_required
@require_POST
def interview_pick(request: HttpRequest, interview_id: int) -> HttpResponse:
    interview, side = selectors.access_interview(actor=request.user, interview_id=interview_id)
    view = selectors.interview_view(interview, side)
    # Accept any integer: the service says whether it was offered.
    form = PickForm(request.POST, slots=view.slots)
    form.fields["slot_id"] = forms.IntegerField()
    if form.is_valid():
        try:
            interviews.interview_pick(
                actor=request.user, interview_id=interview_id, slot_id=form.cleaned_data["slot_id"]
            )
        except DomainError as exc:
            form.add_error("slot_id", exc.message)
        else:
            messages.success(request, "Booked. A calendar invitation is on its way to both of you.")
            return redirect("growth_interview", interview_id=interview_id)
    return _interview_page(request, interview_id, status=422, pick_form=form)


@login_required
@require_POST
def interview_reschedule(request: HttpRequest, interview_id: int) -> HttpResponse:
    selectors.access_interview(actor=request.user, interview_id=interview_id)
    form = RescheduleForm(request.POST)
    if form.is_valid():
        try:
            interviews.interview_reschedule(
                actor=request.user,
                interview_id=interview_id,
                reason=form.cleaned_data["reason"],
                slots=form.utc_slots(),
                time_zone=form.cleaned_data["time_zone"],
            )
        except DomainError as exc:
            _slot_errors(form, exc)
        else:
            messages.success(request, "New times sent.")
            return redirect("growth_interview", interview_id=interview_id)
    return _interview_page(request, interview_id, status=422, reschedule_form=form)


@login_required
@require_POST
def interview_cancel(request: HttpRequest, interview_id: int) -> HttpResponse:
    selectors.access_interview(actor=request.user, interview_id=interview_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        with apply_domain_error(form):
            interviews.interview_cancel(
                actor=request.user, interview_id=interview_id, reason=form.cleaned_data["reason"]
            )
            messages.success(request, "Interview cancelled.")
            return redirect("growth_interview", interview_id=interview_id)
    return _interview_page(request, interview_id, status=422, cancel_form=form)


@login_required
@require_POST
def interview_note(request: HttpRequest, interview_id: int) -> HttpResponse:
    selectors.access_interview(actor=request.user, interview_id=interview_id, side="employer")
    form = NoteForm(request.POST)
    if form.is_valid():
        with apply_domain_error(form):
            interviews.interview_note_add(
                actor=request.user, interview_id=interview_id, **form.cleaned_data
            )
            messages.success(request, "Note saved (only your team sees it).")
            return redirect("growth_interview", interview_id=interview_id)
    return _interview_page(request, interview_id, status=422, note_form=form)


@login_required
def interview_calendar(request: HttpRequest, interview_id: int) -> HttpResponse:
    interview, _ = selectors.access_interview(actor=request.user, interview_id=interview_id)
    content = interview_ics(interview)
    if content is None:
        raise NotFound("No time has been picked yet.")
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="interview-{interview.pk}.ics"'
    return response
