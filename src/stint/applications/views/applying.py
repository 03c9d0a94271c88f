"""The candidate's pages: their applications, applying to an opportunity, withdrawing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from stint.applications import rules, selectors, services
from stint.applications.forms import ApplyForm
from stint.applications.models import Application
from stint.applications.views.common import _back
from stint.core.forms import apply_domain_error, flash_refusal


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "applications/list.html",
        {
            "applications": selectors.applications_of_candidate(request.user),
            "d": selectors.dashboard_candidate(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_apply(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = selectors.opportunity_for_applying(
        actor=request.user, opportunity_id=opportunity_id
    )
    existing = Application.objects.filter(opportunity=opportunity, candidate=request.user).first()
    if existing is not None:
        messages.info(
            request, "You already applied: here is your application and what happens next."
        )
        return _back(existing.pk)
    form = ApplyForm(request.POST or None, opportunity=opportunity)
    if request.method == "POST" and form.is_valid():
        with apply_domain_error(form):
            application = services.application_submit(
                actor=request.user,
                opportunity_id=opportunity.pk,
                note=form.cleaned_data["note"],
                answers=form.answers(),
            )
            messages.success(request, f"Applied to {opportunity.title}. Good luck!")
            return _back(application.pk)
    return render(
        request,
        "applications/apply.html",
        {
            "form": form,
            "opportunity": opportunity,
            "refusal": rules.apply_window_refusal(
                status=opportunity.status, apply_by=opportunity.apply_by, today=timezone.localdate()
            ),
            "stats": selectors.employer_response_stats(opportunity.employer),
        },
    )


@login_required
@require_POST
def application_withdraw(request: HttpRequest, application_id: int) -> HttpResponse:
    with flash_refusal(request):
        services.application_withdraw(actor=request.user, application_id=application_id)
        messages.success(request, "You withdrew your application.")
    return _back(application_id)
