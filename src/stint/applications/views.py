from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from stint.accounts.models import User
from stint.applications import rules, selectors, services
from stint.applications.forms import (
    ApplyForm,
    BulkForm,
    DeclineForm,
    InviteForm,
    MessageForm,
    OfferForm,
)
from stint.applications.models import Application
from stint.core.errors import DomainError
from stint.core.files import private_download
from stint.core.forms import apply_domain_error
from stint.core.money import CURRENCY_EXPONENTS
from stint.matching.recommend import suggested_candidates


def attachment_response(user: User, application_id: int, message_id: int) -> FileResponse:
    """The one way attachments leave the server: after the access check, as a download."""
    message = selectors.access_attachment(
        actor=user, application_id=application_id, message_id=message_id
    )
    return private_download(
        message.attachment.open("rb"), filename=message.attachment_name or "attachment"
    )


def _back(application_id: int) -> HttpResponse:
    return redirect("application_detail", application_id=application_id)


# --- Candidate ------------------------------------------------------------------------


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
        messages.info(request, "You already applied; here is your application.")
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
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    application = selectors.access_application(actor=request.user, application_id=application_id)
    side = selectors.side_of(request.user, application)
    detail = selectors.applications_detail(application)
    thread = list(selectors.thread_of(application))
    unread = selectors.unread_count(request.user, application)
    services.thread_mark_read(actor=request.user, application_id=application.pk)
    o = application.opportunity
    exp = CURRENCY_EXPONENTS.get(o.currency, 2)
    return render(
        request,
        "applications/detail.html",
        {
            "a": application,
            "o": o,
            "side": side,
            "answers": detail["answers"],
            "offers": detail["offers"],
            "live_offer": selectors.live_offer(application),
            "thread": thread,
            "unread": unread,
            "message_form": MessageForm(),
            "decline_form": DeclineForm() if side == "employer" else None,
            "offer_form": OfferForm(
                initial={
                    "fee": o.fee_minor / (10**exp),
                    "start_date": o.start_date,
                    "due_date": o.due_date,
                }
            )
            if side == "employer"
            else None,
            "can": {
                target: rules.can_transition(
                    application.status, target, "employer" if side == "employer" else "candidate"
                )
                for target in ("shortlisted", "declined", "offered", "withdrawn")
            },
        },
    )


@login_required
@require_POST
def application_withdraw(request: HttpRequest, application_id: int) -> HttpResponse:
    try:
        services.application_withdraw(actor=request.user, application_id=application_id)
        messages.success(request, "You withdrew your application.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(application_id)


@login_required
@require_POST
def offer_accept(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = selectors.access_offer(actor=request.user, offer_id=offer_id, side="candidate")
    try:
        services.offer_accept(actor=request.user, offer_id=offer_id)
        messages.success(request, "You accepted the offer. Congratulations!")
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(offer.application_id)


@login_required
@require_POST
def offer_decline(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = selectors.access_offer(actor=request.user, offer_id=offer_id, side="candidate")
    try:
        services.offer_decline(actor=request.user, offer_id=offer_id)
        messages.success(request, "You declined the offer. The employer has been told.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(offer.application_id)


# --- Employer -------------------------------------------------------------------------


@login_required
def pipeline(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = selectors.access_opportunity_as_employer(
        actor=request.user, opportunity_id=opportunity_id
    )
    applicants = list(selectors.applicants_ranked(opportunity))
    return render(
        request,
        "applications/pipeline.html",
        {
            "o": opportunity,
            "applicants": applicants,
            "open_applicants": [a for a in applicants if rules.is_open(a.status)],
            "closed_applicants": [a for a in applicants if not rules.is_open(a.status)],
            "stats": selectors.employer_response_stats(opportunity.employer),
            "invites": selectors.invites_of(opportunity),
            "suggested": suggested_candidates(opportunity, k=8)
            if opportunity.status == "published"
            else None,
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
    try:
        done = services.applications_bulk(
            actor=request.user,
            opportunity_id=opportunity.pk,
            application_ids=form.cleaned_data["ids"],
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
        )
        verb = "Shortlisted" if form.cleaned_data["action"] == "shortlist" else "Declined"
        messages.success(request, f"{verb} {len(done)}.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("application_pipeline", opportunity_id=opportunity.pk)


@login_required
@require_POST
def pipeline_invite(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invite = services.apply_invite_create(
                actor=request.user, opportunity_id=opportunity_id, **form.cleaned_data
            )
            messages.success(request, f"{invite.candidate.display_name} is invited to apply.")
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "Choose a candidate to invite.")
    return redirect("application_pipeline", opportunity_id=opportunity_id)


@login_required
@require_POST
def application_shortlist(request: HttpRequest, application_id: int) -> HttpResponse:
    try:
        services.application_shortlist(actor=request.user, application_id=application_id)
        messages.success(request, "Shortlisted; the candidate has been told.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(application_id)


@login_required
@require_POST
def application_decline(request: HttpRequest, application_id: int) -> HttpResponse:
    form = DeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.application_decline(
            actor=request.user, application_id=application_id, reason=reason
        )
        messages.success(request, "Declined; the candidate has been told kindly.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(application_id)


@login_required
@require_POST
def offer_make(request: HttpRequest, application_id: int) -> HttpResponse:
    application = selectors.access_application(
        actor=request.user, application_id=application_id, side="employer"
    )
    form = OfferForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(application_id)
    fee = form.cleaned_data["fee"]
    exp = CURRENCY_EXPONENTS.get(application.opportunity.currency, 2)
    try:
        services.offer_make(
            actor=request.user,
            application_id=application_id,
            fee_minor=int(fee * 10**exp) if fee is not None else None,
            start_date=form.cleaned_data["start_date"],
            due_date=form.cleaned_data["due_date"],
        )
        messages.success(request, "Offer sent.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(application_id)


# --- The thread -----------------------------------------------------------------------


@login_required
@require_POST
def message_send(request: HttpRequest, application_id: int) -> HttpResponse:
    selectors.access_application(actor=request.user, application_id=application_id)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.message_send(
                actor=request.user,
                application_id=application_id,
                body=form.cleaned_data["body"],
                attachment=form.cleaned_data["attachment"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(reverse("application_detail", args=[application_id]) + "#thread")


@login_required
def message_attachment(request: HttpRequest, application_id: int, message_id: int) -> HttpResponse:
    return attachment_response(request.user, application_id, message_id)
