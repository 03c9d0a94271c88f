from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from stint.applications.selectors import access_application
from stint.core.errors import DomainError, NotFound
from stint.core.forms import apply_domain_error, flash_refusal
from stint.growth import rules, selectors, services
from stint.growth.forms import (
    AnswerForm,
    CancelForm,
    FeedbackForm,
    GoalsForm,
    InterviewProposeForm,
    NoteForm,
    PickForm,
    ReferenceDeclineForm,
    ReferenceRequestForm,
    ReferenceWriteForm,
    ReflectionForm,
    RescheduleForm,
    SettingsForm,
    ShareForm,
    VisibilityForm,
)
from stint.growth.tasks import interview_ics


def _slot_errors(form: forms.Form, exc: DomainError) -> None:
    """A service refusal about `slots` belongs next to the first time field."""
    field = "slot1" if exc.field == "slots" else exc.field
    form.add_error(field if field in form.fields else None, exc.message)


def _flash_error(request: HttpRequest, form: forms.Form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


# --- Interviews ---------------------------------------------------------------------------


@login_required
def interview_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "growth/interviews.html",
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
            interview = services.interview_propose(
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
        "growth/interview_propose.html",
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
    return render(request, "growth/interview.html", context, status=status)


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
            services.interview_pick(
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
            services.interview_reschedule(
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
            services.interview_cancel(
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
            services.interview_note_add(
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


# --- Tailoring help (a page twin of the apply-page tag) ---------------------------------------


@login_required
def tailoring(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = selectors.opportunity_for_tailoring(
        actor=request.user, opportunity_id=opportunity_id
    )
    template = (
        "growth/_tailoring.html" if request.headers.get("HX-Request") else "growth/tailoring.html"
    )
    return render(
        request, template, {"tailoring": selectors.tailoring_for(request.user, opportunity)}
    )


# --- Explore and roadmaps -------------------------------------------------------------------


@login_required
def explore(request: HttpRequest) -> HttpResponse:
    return render(request, "growth/explore.html", {"items": selectors.explore_for(request.user)})


@login_required
def roadmap_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "growth/roadmaps.html", {"roadmaps": selectors.roadmaps_summary(request.user)}
    )


@login_required
def roadmap_detail(request: HttpRequest, goal_id: int) -> HttpResponse:
    goal = selectors.access_goal(actor=request.user, goal_id=goal_id)
    return render(
        request, "growth/roadmap.html", {"roadmap": selectors.roadmap_for(request.user, goal)}
    )


# --- Engagement growth ------------------------------------------------------------------------


def _engagement_page(
    request: HttpRequest, engagement_id: int, *, status: int = 200, **forms_: forms.Form
) -> HttpResponse:
    engagement, side = selectors.access_engagement(actor=request.user, engagement_id=engagement_id)
    growth = selectors.engagement_growth(engagement, side)
    reflection = growth.reflection
    context = {
        "g": growth,
        "engagement": engagement,
        "side": side,
        "goals_form": GoalsForm(initial={f"goal{x.position}": x.text for x in growth.goals}),
        "feedback_form": FeedbackForm(),
        "answer_form": AnswerForm(),
        "reflection_form": ReflectionForm(
            initial={
                "learned": reflection.learned,
                "differently": reflection.differently,
                "next_steps": reflection.next_steps,
                "on_portfolio": reflection.on_portfolio,
            }
            if reflection
            else None
        ),
        "reference_form": ReferenceRequestForm(),
    }
    context.update(forms_)
    return render(request, "growth/engagement.html", context, status=status)


@login_required
def engagement_growth(request: HttpRequest, engagement_id: int) -> HttpResponse:
    return _engagement_page(request, engagement_id)


@login_required
@require_POST
def goals_set(request: HttpRequest, engagement_id: int) -> HttpResponse:
    selectors.access_engagement(actor=request.user, engagement_id=engagement_id)
    form = GoalsForm(request.POST)
    if form.is_valid():
        try:
            services.learning_goals_set(
                actor=request.user, engagement_id=engagement_id, goals=form.goals()
            )
        except DomainError as exc:
            form.add_error("goal1" if exc.field == "goals" else None, exc.message)
        else:
            messages.success(request, "Learning goals saved.")
            return redirect("growth_engagement", engagement_id=engagement_id)
    return _engagement_page(request, engagement_id, status=422, goals_form=form)


@login_required
@require_POST
def feedback_request(request: HttpRequest, engagement_id: int) -> HttpResponse:
    selectors.access_engagement(actor=request.user, engagement_id=engagement_id)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        with apply_domain_error(form):
            services.feedback_request(
                actor=request.user, engagement_id=engagement_id, **form.cleaned_data
            )
            messages.success(request, "Asked. You'll be notified when they answer.")
            return redirect("growth_engagement", engagement_id=engagement_id)
    return _engagement_page(request, engagement_id, status=422, feedback_form=form)


@login_required
@require_POST
def feedback_answer(request: HttpRequest, feedback_id: int) -> HttpResponse:
    fr = selectors.access_feedback(actor=request.user, feedback_id=feedback_id)
    form = AnswerForm(request.POST)
    if form.is_valid():
        with apply_domain_error(form):
            services.feedback_answer(
                actor=request.user, feedback_id=feedback_id, answer=form.cleaned_data["answer"]
            )
            messages.success(request, "Feedback sent.")
            return redirect("growth_engagement", engagement_id=fr.engagement_id)
    return _engagement_page(request, fr.engagement_id, status=422, answer_form=form)


@login_required
@require_POST
def reflection_save(request: HttpRequest, engagement_id: int) -> HttpResponse:
    selectors.access_engagement(actor=request.user, engagement_id=engagement_id)
    form = ReflectionForm(request.POST)
    if form.is_valid():
        try:
            services.reflection_save(
                actor=request.user, engagement_id=engagement_id, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Reflection saved.")
            return redirect("growth_engagement", engagement_id=engagement_id)
    return _engagement_page(request, engagement_id, status=422, reflection_form=form)


@login_required
@require_POST
def reference_request(request: HttpRequest, engagement_id: int) -> HttpResponse:
    selectors.access_engagement(actor=request.user, engagement_id=engagement_id)
    form = ReferenceRequestForm(request.POST)
    if form.is_valid():
        try:
            ref = services.reference_request(
                actor=request.user, engagement_id=engagement_id, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Reference requested.")
            return redirect("growth_reference", reference_id=ref.pk)
    return _engagement_page(request, engagement_id, status=422, reference_form=form)


# --- References -----------------------------------------------------------------------------


@login_required
def reference_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "growth/references.html", {"groups": selectors.references_for(request.user)}
    )


def _reference_page(
    request: HttpRequest, reference_id: int, *, status: int = 200, **forms_: forms.Form
) -> HttpResponse:
    ref, side = selectors.access_reference(actor=request.user, reference_id=reference_id)
    context = {
        "ref": ref,
        "side": side,
        "shares": list(ref.shares.all()) if side == rules.CANDIDATE else [],
        "live": {s.pk for s in selectors.live_shares(ref)} if side == rules.CANDIDATE else set(),
        "write_form": ReferenceWriteForm(),
        "decline_form": ReferenceDeclineForm(),
        "visibility_form": VisibilityForm(initial={"visibility": ref.visibility}),
        "share_form": ShareForm(),
        "new_link": request.session.pop("growth_new_share_link", None),
    }
    context.update(forms_)
    return render(request, "growth/reference.html", context, status=status)


@login_required
def reference_detail(request: HttpRequest, reference_id: int) -> HttpResponse:
    return _reference_page(request, reference_id)


@login_required
@require_POST
def reference_write(request: HttpRequest, reference_id: int) -> HttpResponse:
    selectors.access_reference(actor=request.user, reference_id=reference_id)
    form = ReferenceWriteForm(request.POST)
    if form.is_valid():
        with apply_domain_error(form):
            services.reference_write(
                actor=request.user, reference_id=reference_id, text=form.cleaned_data["text"]
            )
            messages.success(request, "Reference sent.")
            return redirect("growth_reference", reference_id=reference_id)
    return _reference_page(request, reference_id, status=422, write_form=form)


@login_required
@require_POST
def reference_decline(request: HttpRequest, reference_id: int) -> HttpResponse:
    selectors.access_reference(actor=request.user, reference_id=reference_id)
    form = ReferenceDeclineForm(request.POST)
    if form.is_valid():
        with apply_domain_error(form):
            services.reference_decline(
                actor=request.user, reference_id=reference_id, reason=form.cleaned_data["reason"]
            )
            messages.success(request, "Declined.")
            return redirect("growth_reference", reference_id=reference_id)
    return _reference_page(request, reference_id, status=422, decline_form=form)


@login_required
@require_POST
def reference_visibility(request: HttpRequest, reference_id: int) -> HttpResponse:
    selectors.access_reference(actor=request.user, reference_id=reference_id)
    form = VisibilityForm(request.POST)
    if form.is_valid():
        with apply_domain_error(form):
            services.reference_set_visibility(
                actor=request.user,
                reference_id=reference_id,
                visibility=form.cleaned_data["visibility"],
            )
            messages.success(request, "Saved.")
            return redirect("growth_reference", reference_id=reference_id)
    return _reference_page(request, reference_id, status=422, visibility_form=form)


@login_required
@require_POST
def reference_share(request: HttpRequest, reference_id: int) -> HttpResponse:
    selectors.access_reference(actor=request.user, reference_id=reference_id)
    form = ShareForm(request.POST)
    if form.is_valid():
        with apply_domain_error(form):
            created = services.reference_share_create(
                actor=request.user, reference_id=reference_id, **form.cleaned_data
            )
            # Shown once on the next page; the database keeps only the nonce.
            request.session["growth_new_share_link"] = request.build_absolute_uri(created.url)
            return redirect("growth_reference", reference_id=reference_id)
    return _reference_page(request, reference_id, status=422, share_form=form)


@login_required
@require_POST
def reference_share_revoke(request: HttpRequest, share_id: int) -> HttpResponse:
    share = services.reference_share_revoke(actor=request.user, share_id=share_id)
    messages.success(request, "Link revoked.")
    return redirect("growth_reference", reference_id=share.reference_id)


def reference_shared(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the reference behind a live link; expired or revoked → the 404 page."""
    try:
        ref = services.reference_by_token(token)
    except NotFound:
        return render(request, "growth/reference_link_invalid.html", status=404)
    return render(request, "growth/reference_shared.html", {"ref": ref})


# --- Network and settings -------------------------------------------------------------------


@login_required
def network(request: HttpRequest) -> HttpResponse:
    page = selectors.network_page(request.user)
    s = page["settings"]
    page["settings_form"] = SettingsForm(
        initial={"show_connections": s.show_connections, "share_skill_growth": s.share_skill_growth}
    )
    return render(request, "growth/network.html", page)


@login_required
@require_POST
def connection_request(request: HttpRequest, user_id: int) -> HttpResponse:
    with flash_refusal(request):
        services.connection_request(actor=request.user, user_id=user_id)
        messages.success(request, "Request sent.")
    return redirect("growth_network")


@login_required
@require_POST
def connection_answer(request: HttpRequest, connection_id: int, verb: str) -> HttpResponse:
    with flash_refusal(request):
        if verb == "accept":
            services.connection_accept(actor=request.user, connection_id=connection_id)
            messages.success(request, "Connected.")
        else:
            services.connection_decline(actor=request.user, connection_id=connection_id)
            messages.success(request, "Declined.")
    return redirect("growth_network")


@login_required
@require_POST
def connection_remove(request: HttpRequest, connection_id: int) -> HttpResponse:
    services.connection_remove(actor=request.user, connection_id=connection_id)
    messages.success(request, "Removed.")
    return redirect("growth_network")


@login_required
@require_POST
def settings_update(request: HttpRequest) -> HttpResponse:
    form = SettingsForm(request.POST)
    if form.is_valid():
        services.growth_settings_update(actor=request.user, **form.cleaned_data)
        messages.success(request, "Saved.")
    else:
        _flash_error(request, form)
    return redirect("growth_network")


# --- Employers: past interns' skill growth --------------------------------------------------


@login_required
def intern_growth(request: HttpRequest, org_id: int) -> HttpResponse:
    org = selectors.access_employer(actor=request.user, organisation_id=org_id)
    return render(
        request,
        "growth/interns.html",
        {"org": org, "interns": selectors.skill_growth_for(org)},
    )
