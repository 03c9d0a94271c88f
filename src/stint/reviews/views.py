from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from stint.core.errors import DomainError
from stint.core.forms import flash_refusal
from stint.reviews import credentials, rules, selectors, services
from stint.reviews.forms import (
    CredentialRevokeForm,
    FollowUpForm,
    PortfolioForm,
    ReviewForm,
    VerifyCredentialForm,
    VerifySkillsForm,
)
from stint.reviews.models import FollowUpStatus


def _attach(form: forms.Form, exc: DomainError, skills: list[dict[str, Any]] | None = None) -> None:
    """Show a service's DomainError next to the form field it names (services speak the
    API's field names, e.g. `ratings.quality`; the form calls it `rating_quality`)."""
    field = exc.field or ""
    ids = {s["id"]: i for i, s in enumerate(skills or [])}
    head, _, tail = field.partition(".")
    candidates = {
        "ratings": f"rating_{tail}",
        "skill_ratings": f"skill_{ids.get(tail, '')}",
        "skills": f"verify_{ids.get(tail, '')}",
    }
    name = candidates.get(head, field)
    form.add_error(name if name in form.fields else None, exc.message)


# --- Reviews of one engagement -----------------------------------------------------------------


def _review_page(request: HttpRequest, engagement_id: int, **extra: Any) -> HttpResponse:
    state = selectors.review_state(actor=request.user, engagement_id=engagement_id)
    side = state.side if state.side != selectors.STAFF else rules.EMPLOYER
    context: dict[str, Any] = {
        "s": state,
        "dimensions": rules.DIMENSIONS,
        "form": ReviewForm(side=side, skills=state.skills),
        "verify_form": VerifySkillsForm(
            skills=state.skills, current=state.verified, auto_id="verify_form_%s"
        ),
        "follow_up_form": FollowUpForm(),
        "can_follow_up": state.side == rules.EMPLOYER
        and state.engagement.status in rules.FOLLOW_UP_ELIGIBLE
        and not any(o.status == FollowUpStatus.OFFERED for o in state.follow_ups),
        # One open follow-up offer at a time: say so instead of offering a form that refuses.
        "follow_up_open": any(o.status == FollowUpStatus.OFFERED for o in state.follow_ups),
        "can_verify": state.side == rules.EMPLOYER
        and state.engagement.status in rules.VERIFIABLE
        and bool(state.skills),
        "can_export": state.side == rules.CANDIDATE and state.engagement.status in rules.COMPLETED,
        "can_revoke": state.credential is not None
        and not state.credential.revoked
        and (state.side == rules.CANDIDATE or request.user.is_staff),
        "revoke_form": CredentialRevokeForm(),
    }
    context.update(extra)
    status = 422 if any(f.errors for f in extra.values() if isinstance(f, forms.Form)) else 200
    return render(request, "reviews/engagement.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def engagement_reviews(request: HttpRequest, engagement_id: int) -> HttpResponse:
    if request.method == "GET":
        return _review_page(request, engagement_id)
    engagement, side = selectors.access_engagement(actor=request.user, engagement_id=engagement_id)
    skills = selectors.required_skills(engagement)
    form = ReviewForm(
        request.POST, side=side if side != selectors.STAFF else rules.EMPLOYER, skills=skills
    )
    if form.is_valid():
        try:
            services.review_create(
                actor=request.user, engagement_id=engagement.pk, **form.payload()
            )
        except DomainError as exc:
            _attach(form, exc, skills)
        else:
            messages.success(request, "Thank you: your review is in.")
            return redirect("review_engagement", engagement_id=engagement.pk)
    return _review_page(request, engagement_id, form=form)


@login_required
@require_POST
def engagement_verify_skills(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement, _ = selectors.access_engagement(
        actor=request.user, engagement_id=engagement_id, side=rules.EMPLOYER
    )
    skills = selectors.required_skills(engagement)
    current = dict(engagement.verified_skills.values_list("skill_id", "level"))
    form = VerifySkillsForm(request.POST, skills=skills, current=current)
    if form.is_valid():
        try:
            rows = services.verified_skills_confirm(
                actor=request.user, engagement_id=engagement.pk, levels=form.levels()
            )
        except DomainError as exc:
            _attach(form, exc, skills)
        else:
            messages.success(request, f"Verified {len(rows)} skill{'s' if len(rows) != 1 else ''}.")
            return redirect("review_engagement", engagement_id=engagement.pk)
    return _review_page(request, engagement_id, verify_form=form)


@login_required
@require_POST
def engagement_follow_up(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement, _ = selectors.access_engagement(
        actor=request.user, engagement_id=engagement_id, side=rules.EMPLOYER
    )
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.follow_up_create(
                actor=request.user, engagement_id=engagement.pk, **form.cleaned_data
            )
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, "Your offer is sent.")
            return redirect("review_engagement", engagement_id=engagement.pk)
    return _review_page(request, engagement_id, follow_up_form=form)


@login_required
@require_POST
def engagement_credential(request: HttpRequest, engagement_id: int) -> HttpResponse:
    """Issue (once) and download the Open Badges 3.0 credential."""
    with flash_refusal(request):
        credential, _ = services.credential_issue(actor=request.user, engagement_id=engagement_id)
        response = JsonResponse(credential.document, json_dumps_params={"indent": 2})
        response["Content-Disposition"] = (
            f'attachment; filename="stint-credential-{credential.uuid}.json"'
        )
        return response
    return redirect("review_engagement", engagement_id=engagement_id)  # refused: say why there


@login_required
@require_POST
def engagement_credential_revoke(request: HttpRequest, engagement_id: int) -> HttpResponse:
    """The candidate, or a platform admin, revokes the credential."""
    selectors.access_engagement(actor=request.user, engagement_id=engagement_id)
    form = CredentialRevokeForm(request.POST)
    if form.is_valid():
        try:
            services.credential_revoke(
                actor=request.user, engagement_id=engagement_id, **form.cleaned_data
            )
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, "The credential is revoked: verifying it now says so.")
            return redirect("review_engagement", engagement_id=engagement_id)
    return _review_page(request, engagement_id, revoke_form=form)


# --- Reputation ----------------------------------------------------------------------------------


@login_required
def reputation_mine(request: HttpRequest) -> HttpResponse:
    view = selectors.candidate_reputation(request.user)
    return render(request, "reviews/reputation.html", {"r": view, "dimensions": rules.DIMENSIONS})


@login_required
def reputation_employer(request: HttpRequest, org_id: int) -> HttpResponse:
    org = selectors.access_employer(actor=request.user, organisation_id=org_id)
    view = selectors.employer_reputation(actor=request.user, org=org)
    return render(
        request, "reviews/reputation.html", {"r": view, "org": org, "dimensions": rules.DIMENSIONS}
    )


# --- Portfolio settings ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def portfolio_settings(request: HttpRequest) -> HttpResponse:
    portfolio = services.portfolio_get_or_create(actor=request.user)
    form = PortfolioForm(
        request.POST or None,
        initial={
            "public": portfolio.public,
            "slug": portfolio.slug,
            "headline": portfolio.headline,
        },
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                portfolio = services.portfolio_update(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                _attach(form, exc)
            else:
                messages.success(request, "Portfolio saved.")
                return redirect("review_portfolio_settings")
        status = 422
    else:
        status = 200
    return render(
        request,
        "reviews/portfolio_settings.html",
        {
            "form": form,
            "portfolio": portfolio,
            "share_url": request.build_absolute_uri(f"/p/{portfolio.slug}/"),
        },
        status=status,
    )


# --- Follow-ups --------------------------------------------------------------------------------


@login_required
def follow_ups(request: HttpRequest) -> HttpResponse:
    return render(request, "reviews/follow_ups.html", {"f": selectors.follow_ups_for(request.user)})


def _follow_up_action(
    request: HttpRequest, follow_up_id: int, action: Any, done: str
) -> HttpResponse:
    with flash_refusal(request):
        action(actor=request.user, follow_up_id=follow_up_id)
        messages.success(request, done)
    return redirect("review_follow_ups")


@login_required
@require_POST
def follow_up_accept(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    return _follow_up_action(
        request, follow_up_id, services.follow_up_accept, "Accepted: the team will be in touch."
    )


@login_required
@require_POST
def follow_up_decline(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    return _follow_up_action(request, follow_up_id, services.follow_up_decline, "Declined.")


@login_required
@require_POST
def follow_up_withdraw(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    return _follow_up_action(request, follow_up_id, services.follow_up_withdraw, "Offer withdrawn.")


# --- Outcomes ----------------------------------------------------------------------------------


@login_required
def outcomes_candidate(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reviews/outcomes_candidate.html",
        {"outcomes": selectors.candidate_outcomes(request.user)},
    )


@login_required
def outcomes_employer(request: HttpRequest, org_id: int) -> HttpResponse:
    org = selectors.access_employer(actor=request.user, organisation_id=org_id)
    return render(
        request, "reviews/outcomes_employer.html", {"outcomes": selectors.employer_outcomes(org)}
    )


# --- Public: portfolio, key, verification (mounted at /p/) -----------------------------------------


def portfolio_public(request: HttpRequest, slug: str) -> HttpResponse:
    view = selectors.portfolio_page(viewer=request.user, slug=slug)
    return render(request, "reviews/portfolio.html", {"p": view, "dimensions": rules.DIMENSIONS})


def portfolio_credential(request: HttpRequest, slug: str, engagement_id: int) -> HttpResponse:
    """A credential listed on a portfolio, as JSON (same visibility as the portfolio)."""
    view = selectors.portfolio_page(viewer=request.user, slug=slug)
    credential = view.credentials.get(engagement_id)
    if credential is None:
        from stint.core.errors import NotFound

        raise NotFound("No such credential.")
    return JsonResponse(credential.document, json_dumps_params={"indent": 2})


def platform_key(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(credentials.key_document(), json_dumps_params={"indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=3600"
    return response


def status_list(request: HttpRequest, list_no: int) -> HttpResponse:
    """A revocation status list (W3C Bitstring Status List credential), public."""
    response = JsonResponse(selectors.revocation_list(list_no), json_dumps_params={"indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={credentials.STATUS_TTL_SECONDS}"
    return response


@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest) -> HttpResponse:
    form = VerifyCredentialForm(request.POST or None)
    result = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                document = json.loads(form.cleaned_data["credential"])
            except json.JSONDecodeError as exc:
                form.add_error(
                    "credential", f"This is not valid JSON: {exc.msg} (line {exc.lineno})."
                )
                status = 422
            else:
                result = selectors.credential_check(document)
        else:
            status = 422
    return render(request, "reviews/verify.html", {"form": form, "result": result}, status=status)
