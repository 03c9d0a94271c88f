from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from stint.core.errors import DomainError
from stint.core.forms import apply_domain_error, flash_refusal
from stint.growth import selectors, services
from stint.growth.forms import (
    AnswerForm,
    FeedbackForm,
    GoalsForm,
    ReflectionForm,
    SettingsForm,
)
from stint.reviews import references
from stint.reviews.forms import ReferenceRequestForm


def _flash_error(request: HttpRequest, form: forms.Form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


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
            ref = references.reference_request(
                actor=request.user, engagement_id=engagement_id, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Reference requested.")
            return redirect("growth_reference", reference_id=ref.pk)
    return _engagement_page(request, engagement_id, status=422, reference_form=form)


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
