from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from stint.accounts.mfa import second_factor_required
from stint.accounts.models import User
from stint.core.files import private_download
from stint.core.forms import apply_domain_error, flash_refusal
from stint.core.money import Money
from stint.engagements import rules, selectors, services
from stint.engagements.forms import (
    CancelForm,
    MilestonesForm,
    ResolveForm,
    ReviewForm,
    SplitForm,
    StatementForm,
    SubmissionForm,
    TimeLogForm,
)
from stint.engagements.models import Engagement
from stint.payments import services as payments


def file_response(user: User, engagement_id: int, item_id: int) -> HttpResponse:
    """The one way deliverables leave the server: after the access check, as a download."""
    item = selectors.access_item(actor=user, engagement_id=engagement_id, item_id=item_id)
    return private_download(item.file, filename=item.name or "file")


def _back(engagement_id: int) -> HttpResponse:
    return redirect("engagement_detail", engagement_id=engagement_id)


def _flash_errors(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        for error in errors:
            messages.error(request, f"{field}: {error}" if field != "__all__" else error)


def _milestone_param(request: HttpRequest) -> int | None:
    value = request.GET.get("milestone", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def detail_context(engagement: Engagement, side: str) -> dict[str, Any]:
    proposal = selectors.pending_proposal(engagement)
    dispute = selectors.dispute_of(engagement)
    minutes = selectors.minutes_logged(engagement)
    fee = Money(engagement.fee_minor, engagement.currency)
    milestones = selectors.milestones_of(engagement)
    released = selectors.released_by_milestones(milestones)
    return {
        "e": engagement,
        "side": side,
        "fee": fee,
        "funding": payments.funding_amount_for(fee) if side == rules.EMPLOYER else None,
        "actions": selectors.actions_for(
            engagement,
            side,
            max_rounds=settings.STINT_MAX_CHANGE_ROUNDS,
            proposal=proposal,
            dispute=dispute,
            milestones=milestones,
        ),
        "milestones": milestones,
        # Paid milestone by milestone (or will be, once started); older ones keep a plain list.
        "milestone_table": bool(milestones)
        and (engagement.by_milestone or engagement.status == rules.FUNDED),
        # What approved milestones already released, and the part of the fee still held.
        "released": Money(released, engagement.currency),
        "fee_in_escrow": Money(engagement.fee_minor - released, engagement.currency),
        "submissions": list(selectors.submissions_of(engagement)),
        "proposal": proposal,
        "dispute": dispute,
        "hours": round(minutes / 60, 2),
        "hourly": (
            Money(rate, engagement.currency)
            if side == rules.CANDIDATE
            and (rate := rules.effective_hourly_rate(engagement.fee_minor, minutes)) is not None
            else None
        ),
        "time_logs": list(engagement.time_logs.all()[:50]) if side == rules.CANDIDATE else [],
        "auto_approve_days": settings.STINT_AUTO_APPROVE_DAYS,
        "max_rounds": settings.STINT_MAX_CHANGE_ROUNDS,
        "next_step": selectors.next_step_for(engagement, side),
    }


@login_required
def engagement_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "engagements/list.html",
        {"engagements": selectors.engagements_for(request.user)},
    )


@login_required
def engagement_detail(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement, side = selectors.access_engagement(actor=request.user, engagement_id=engagement_id)
    context = detail_context(engagement, side)
    context.update(
        {
            "cancel_form": CancelForm(),
            "split_form": SplitForm(currency=engagement.currency),
            "time_form": TimeLogForm(),
            "milestones_form": MilestonesForm(currency=engagement.currency),
        }
    )
    return render(request, "engagements/detail.html", context)


@login_required
def engagement_file(request: HttpRequest, engagement_id: int, item_id: int) -> HttpResponse:
    return file_response(request.user, engagement_id, item_id)


@login_required
@require_POST
def engagement_start(request: HttpRequest, engagement_id: int) -> HttpResponse:
    with flash_refusal(request):
        services.engagement_start(actor=request.user, engagement_id=engagement_id)
        messages.success(request, "Started. Good luck!")
    return _back(engagement_id)


@login_required
@require_http_methods(["GET", "POST"])
def engagement_submit(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement, _ = selectors.access_engagement(
        actor=request.user, engagement_id=engagement_id, side=rules.CANDIDATE
    )
    milestones = [
        m
        for m in (selectors.milestones_of(engagement) if engagement.by_milestone else [])
        if m.status != "approved"
    ]  # (all approved: the engagement is paid, and the service says so)
    form = SubmissionForm(
        request.POST or None,
        request.FILES or None,
        milestones=milestones,
        initial={"milestone_id": _milestone_param(request)},
    )
    if request.method == "POST" and form.is_valid():
        with apply_domain_error(form):
            submission = services.submission_create(
                actor=request.user,
                engagement_id=engagement.pk,
                text=form.cleaned_data["text"],
                links=form.cleaned_data["links"],
                files=form.cleaned_data["files"],
                milestone_id=form.cleaned_data.get("milestone_id"),
            )
            what = f" of “{submission.milestone.title}”" if submission.milestone else ""
            messages.success(request, f"Version {submission.version}{what} submitted for review.")
            return _back(engagement.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "engagements/submit.html",
        {
            "e": engagement,
            "form": form,
            "has_milestones": bool(milestones),
            "max_mb": settings.STINT_ATTACHMENT_MAX_BYTES >> 20,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@second_factor_required  # moves money
def engagement_review(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement, side = selectors.access_engagement(
        actor=request.user, engagement_id=engagement_id, side=rules.EMPLOYER
    )
    waiting = [
        m
        for m in (selectors.milestones_of(engagement) if engagement.by_milestone else [])
        if m.status == "submitted"
    ]
    form = ReviewForm(
        request.POST or None,
        milestones=waiting,
        initial={"milestone_id": _milestone_param(request)},
    )
    if request.method == "POST" and form.is_valid():
        with apply_domain_error(form):
            milestone_id = form.cleaned_data.get("milestone_id")
            if form.cleaned_data["decision"] == "approve":
                services.submission_approve(
                    actor=request.user,
                    engagement_id=engagement.pk,
                    comments=form.cleaned_data["comments"],
                    milestone_id=milestone_id,
                )
                messages.success(
                    request,
                    "Approved: the milestone's share is released to the candidate."
                    if milestone_id
                    else "Approved: the fee is released to the candidate.",
                )
            else:
                services.submission_request_changes(
                    actor=request.user,
                    engagement_id=engagement.pk,
                    comments=form.cleaned_data["comments"],
                    milestone_id=milestone_id,
                )
                messages.success(request, "Changes requested.")
            return _back(engagement.pk)
    context = detail_context(engagement, side)
    context["form"] = form
    status = 422 if request.method == "POST" else 200
    return render(request, "engagements/review.html", context, status=status)


@login_required
@require_POST
@second_factor_required  # moves money
def engagement_cancel(request: HttpRequest, engagement_id: int) -> HttpResponse:
    form = CancelForm(request.POST)
    if form.is_valid():
        with flash_refusal(request):
            services.engagement_cancel(
                actor=request.user, engagement_id=engagement_id, reason=form.cleaned_data["reason"]
            )
            messages.success(request, "Cancelled; the fee goes back to the employer.")
    else:
        _flash_errors(request, form)
    return _back(engagement_id)


@login_required
@require_POST
@second_factor_required  # moves money
def split_propose(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement, _ = selectors.access_engagement(actor=request.user, engagement_id=engagement_id)
    form = SplitForm(request.POST, currency=engagement.currency)
    if form.is_valid():
        with flash_refusal(request):
            services.split_propose(
                actor=request.user, engagement_id=engagement_id, **form.cleaned_data
            )
            messages.success(request, "Proposal sent; the other side can accept or decline it.")
    else:
        selectors.access_engagement(actor=request.user, engagement_id=engagement_id)
        _flash_errors(request, form)
    return _back(engagement_id)


@login_required
@require_POST
@second_factor_required  # moves money
def split_accept(request: HttpRequest, engagement_id: int, proposal_id: int) -> HttpResponse:
    with flash_refusal(request):
        services.split_accept(
            actor=request.user, engagement_id=engagement_id, proposal_id=proposal_id
        )
        messages.success(request, "Accepted: the engagement ends with the agreed payment.")
    return _back(engagement_id)


@login_required
@require_POST
def split_decline(request: HttpRequest, engagement_id: int, proposal_id: int) -> HttpResponse:
    with flash_refusal(request):
        services.split_decline(
            actor=request.user, engagement_id=engagement_id, proposal_id=proposal_id
        )
        messages.success(request, "Done.")
    return _back(engagement_id)


@login_required
@require_http_methods(["GET", "POST"])
def engagement_dispute(request: HttpRequest, engagement_id: int) -> HttpResponse:
    """Open a dispute, or answer one the other side opened; admins see the statements."""
    engagement, side = selectors.access_engagement(actor=request.user, engagement_id=engagement_id)
    dispute = selectors.dispute_of(engagement)
    form = StatementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with apply_domain_error(form):
            if dispute is None:
                services.dispute_open(
                    actor=request.user,
                    engagement_id=engagement.pk,
                    statement=form.cleaned_data["statement"],
                )
                messages.success(request, "Dispute opened. A platform admin will decide.")
            else:
                services.dispute_respond(
                    actor=request.user,
                    engagement_id=engagement.pk,
                    statement=form.cleaned_data["statement"],
                )
                messages.success(request, "Your statement is added.")
            return _back(engagement.pk)
    context = detail_context(engagement, side)
    context.update({"form": form, "resolve_form": ResolveForm(currency=engagement.currency)})
    status = 422 if request.method == "POST" else 200
    return render(request, "engagements/dispute.html", context, status=status)


@login_required
@require_http_methods(["POST"])
@second_factor_required  # moves money
def dispute_resolve(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement, side = selectors.access_engagement(actor=request.user, engagement_id=engagement_id)
    form = ResolveForm(request.POST, currency=engagement.currency)
    if form.is_valid():
        with apply_domain_error(form):
            services.dispute_resolve(
                actor=request.user, engagement_id=engagement.pk, **form.cleaned_data
            )
            messages.success(request, "Resolved; the escrow is split as decided.")
            return redirect("engagement_dispute_queue")
    context = detail_context(engagement, side)
    context.update({"form": StatementForm(), "resolve_form": form})
    return render(request, "engagements/dispute.html", context, status=422)


@login_required
def dispute_queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "engagements/dispute_queue.html",
        {"disputes": selectors.dispute_queue(request.user)},
    )


@login_required
@require_POST
def timelog_add(request: HttpRequest, engagement_id: int) -> HttpResponse:
    selectors.access_engagement(actor=request.user, engagement_id=engagement_id)
    form = TimeLogForm(request.POST)
    if form.is_valid():
        with flash_refusal(request):
            services.timelog_add(
                actor=request.user, engagement_id=engagement_id, **form.cleaned_data
            )
            messages.success(request, "Hours logged.")
    else:
        _flash_errors(request, form)
    return _back(engagement_id)


@login_required
@require_POST
def milestones_set(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement, _ = selectors.access_engagement(actor=request.user, engagement_id=engagement_id)
    form = MilestonesForm(request.POST, currency=engagement.currency)
    if form.is_valid():
        with flash_refusal(request):
            services.milestones_set(
                actor=request.user,
                engagement_id=engagement_id,
                milestones=[
                    services.MilestoneIn(title=title, amount_minor=amount)
                    for amount, title in form.cleaned_data["lines"]
                ],
            )
            messages.success(request, "Milestones saved.")
    else:
        _flash_errors(request, form)
    return _back(engagement_id)
