"""The employer's pipeline: applicants ranked by fit, suggested candidates, invites,
shortlisting and declining (one at a time or in bulk)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from stint.applications import rules, selectors, services
from stint.applications.forms import BulkForm, DeclineForm, InviteForm
from stint.applications.views.common import _back
from stint.core.forms import flash_refusal
from stint.matching.engine import fits_about
from stint.matching.recommend import suggested_candidates
from stint.opportunities import rules as opportunity_rules


@login_required
def pipeline(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = selectors.access_opportunity_as_employer(
        actor=request.user, opportunity_id=opportunity_id
    )
    applicants = list(selectors.applicants_ranked(opportunity))
    open_applicants = [a for a in applicants if rules.is_open(a.status)]
    # The employer reads about the applicant ("Ada has …"), never "You have …".
    for a, fit in zip(
        open_applicants,
        fits_about([a.candidate for a in open_applicants], opportunity),
        strict=True,
    ):
        a.employer_fit = fit  # type: ignore[attr-defined]
    refusal = opportunity_rules.suggestions_refusal(
        status=opportunity.status, employer_verified=opportunity.employer.is_verified
    )
    suggested = suggested_candidates(opportunity, k=8) if refusal is None else None
    if suggested is not None:
        for item in suggested.items:
            item.fit = item.fit.read_by("employer", item.candidate.display_name)
    return render(
        request,
        "applications/pipeline.html",
        {
            "o": opportunity,
            "applicants": applicants,
            "open_applicants": open_applicants,
            "closed_applicants": [a for a in applicants if not rules.is_open(a.status)],
            "stats": selectors.employer_response_stats(opportunity.employer),
            "invites": selectors.invites_of(opportunity),
            "suggested": suggested,
        },
    )


@login_required
@require_POST
def pipeline_bulk(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = selectors.access_opportunity_as_employer(
        actor=request.user, opportunity_id=opportunity_id
    )
    choices = list(opportunity.applications.values_list("pk", flat=True))
    form = BulkForm(request.POST, choices=choices)
    if not form.is_valid():
        messages.error(request, "Choose applicants and an action.")
        return redirect("application_pipeline", opportunity_id=opportunity.pk)
    with flash_refusal(request):
        done = services.applications_bulk(
            actor=request.user,
            opportunity_id=opportunity.pk,
            application_ids=form.cleaned_data["ids"],
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
        )
        verb = "Shortlisted" if form.cleaned_data["action"] == "shortlist" else "Declined"
        messages.success(request, f"{verb} {len(done)}.")
    return redirect("application_pipeline", opportunity_id=opportunity.pk)


@login_required
@require_POST
def pipeline_invite(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    form = InviteForm(request.POST)
    if form.is_valid():
        with flash_refusal(request):
            invite = services.apply_invite_create(
                actor=request.user, opportunity_id=opportunity_id, **form.cleaned_data
            )
            messages.success(request, f"{invite.candidate.display_name} is invited to apply.")
    else:
        messages.error(request, "Choose a candidate to invite.")
    return redirect("application_pipeline", opportunity_id=opportunity_id)


@login_required
@require_POST
def application_shortlist(request: HttpRequest, application_id: int) -> HttpResponse:
    with flash_refusal(request):
        services.application_shortlist(actor=request.user, application_id=application_id)
        messages.success(request, "Shortlisted; the candidate has been told.")
    return _back(application_id)


@login_required
@require_POST
def application_decline(request: HttpRequest, application_id: int) -> HttpResponse:
    form = DeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    with flash_refusal(request):
        services.application_decline(
            actor=request.user, application_id=application_id, reason=reason
        )
        messages.success(request, "Declined; the candidate has been told kindly.")
    return _back(application_id)
