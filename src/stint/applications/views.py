from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from stint.accounts.mfa import second_factor_required
from stint.accounts.models import User
from stint.applications import rules, selectors, services
from stint.applications.forms import (
    ApplyForm,
    BulkForm,
    DeclineForm,
    InviteForm,
    MessageForm,
    OfferCounterForm,
    OfferForm,
)
from stint.applications.models import Application, Offer
from stint.core.errors import DomainError
from stint.core.files import private_download
from stint.core.forms import apply_domain_error, flash_refusal
from stint.core.money import CURRENCY_EXPONENTS, Money, hourly_floor_minor
from stint.matching.engine import fits_about
from stint.matching.recommend import suggested_candidates
from stint.opportunities import rules as opportunity_rules
from stint.opportunities.rules import amount_to_minor
from stint.profiles.selectors import completeness_of, profile_sections
from stint.profiles.views import resume_response


def attachment_response(user: User, application_id: int, message_id: int) -> HttpResponse:
    """The one way attachments leave the server: after the access check, as a download."""
    message = selectors.access_attachment(
        actor=user, application_id=application_id, message_id=message_id
    )
    return private_download(message.attachment, filename=message.attachment_name or "attachment")


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
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    application = selectors.access_application(actor=request.user, application_id=application_id)
    side = selectors.side_of(request.user, application)
    detail = selectors.applications_detail(application)
    thread = list(selectors.thread_of(application))
    unread = selectors.unread_count(request.user, application)
    services.thread_mark_read(actor=request.user, application_id=application.pk)
    o = application.opportunity
    exp = CURRENCY_EXPONENTS.get(o.currency, 2)
    live = selectors.live_offer(application)
    return render(
        request,
        "applications/detail.html",
        {
            "a": application,
            "o": o,
            "side": side,
            "answers": detail["answers"],
            "offers": detail["offers"],
            "live_offer": live,
            "thread": thread,
            "unread": unread,
            "message_form": MessageForm(),
            "decline_form": DeclineForm() if side == "employer" else None,
            "offer_form": OfferForm(
                initial={
                    "fee": Decimal(o.fee_minor).scaleb(-exp),
                    "start_date": o.start_date,
                    "due_date": o.due_date,
                    "scope": rules.offer_scope(o.summary, o.deliverables),
                },
                currency=o.currency,
            )
            if side == "employer"
            else None,
            "revise_form": _revise_form(live, o.currency) if live and side == "employer" else None,
            "counter_form": OfferCounterForm(currency=o.currency)
            if live and side == "candidate"
            else None,
            "next_step": selectors.next_step_for(request.user, application),
            "live_charge": selectors.offer_charge(live.fee_minor, live.currency)
            if live and side == "employer"
            else None,
            # The employer reads about the applicant ("Ada has …").
            "employer_fit": fits_about([application.candidate], o)[0]
            if side == "employer"
            else None,
            "posting_fee": o.fee_minor,
            "can": {
                target: rules.can_transition(
                    application.status, target, "employer" if side == "employer" else "candidate"
                )
                for target in ("shortlisted", "declined", "offered", "withdrawn")
                # Offered → shortlisted is the offer's withdrawal, a button of its own.
                if not (target == "shortlisted" and application.status == "offered")
            },
        },
    )


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Every message thread across applications, newest first, unread marked (item 11)."""
    return render(request, "applications/inbox.html", {"threads": selectors.inbox_of(request.user)})


@login_required
def applicant_profile(request: HttpRequest, application_id: int) -> HttpResponse:
    """The applicant's profile, resume and portfolio, for the employer's team (item 9)."""
    application, profile = selectors.access_applicant(
        actor=request.user, application_id=application_id
    )
    sections = profile_sections(profile)
    slug = selectors.public_portfolio_slug(application.candidate)
    return render(
        request,
        "profiles/profile.html",
        {
            "profile": profile,
            "editable": False,
            "meter": completeness_of(profile, sections),
            "application": application,
            "resume_url": reverse("application_applicant_resume", args=[application.pk]),
            "portfolio_url": reverse("portfolio_public", args=[slug]) if slug else "",
            **sections,
        },
    )


@login_required
def applicant_resume(request: HttpRequest, application_id: int) -> FileResponse:
    _, profile = selectors.access_applicant(actor=request.user, application_id=application_id)
    return resume_response(profile)


@login_required
@require_POST
def application_withdraw(request: HttpRequest, application_id: int) -> HttpResponse:
    with flash_refusal(request):
        services.application_withdraw(actor=request.user, application_id=application_id)
        messages.success(request, "You withdrew your application.")
    return _back(application_id)


@login_required
@require_POST
def offer_accept(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = selectors.access_offer(actor=request.user, offer_id=offer_id, side="candidate")
    with flash_refusal(request):
        services.offer_accept(actor=request.user, offer_id=offer_id)
        messages.success(request, "You accepted the offer. Congratulations!")
    return _back(offer.application_id)


@login_required
@require_POST
def offer_decline(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = selectors.access_offer(actor=request.user, offer_id=offer_id, side="candidate")
    with flash_refusal(request):
        services.offer_decline(actor=request.user, offer_id=offer_id)
        messages.success(request, "You declined the offer. The employer has been told.")
    return _back(offer.application_id)


# --- Employer -------------------------------------------------------------------------


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


def _revise_form(offer: Offer, currency: str) -> OfferForm:
    """Prefilled with the current terms, or with the candidate's proposed fee."""
    exp = CURRENCY_EXPONENTS.get(currency, 2)
    fee = offer.counter_fee_minor or offer.fee_minor
    return OfferForm(
        initial={
            "fee": Decimal(fee).scaleb(-exp),
            "start_date": offer.start_date,
            "due_date": offer.due_date,
            "scope": offer.scope,
        },
        currency=currency,
    )


def _flash_form_errors(request: HttpRequest, form: OfferForm | OfferCounterForm) -> None:
    # Every error at once, each with its field's label.
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def _fee_minor(value: Decimal | None, currency: str) -> int | None:
    """Major units typed in a form → exact minor units; raises DomainError naming the fee."""
    if value is None:
        return None
    try:
        return amount_to_minor(value, currency)
    except ValueError as exc:
        raise DomainError("bad_fee", f"Fee: {exc}.", "fee") from exc


def _offer_confirm(
    request: HttpRequest, application: Application, form: OfferForm, fee_minor: int, action: str
) -> HttpResponse:
    """The confirmation step: the fee, the platform fee and the total charged into
    escrow when the candidate accepts, before the offer goes out."""
    o = application.opportunity
    refusal = rules.offer_fee_refusal(
        fee_minor, o.currency, o.estimated_hours, hourly_floor_minor(o.currency)
    )
    if refusal is not None:
        raise DomainError("fee_too_low", refusal, "fee_minor")
    exp = CURRENCY_EXPONENTS.get(o.currency, 2)
    data = form.cleaned_data
    return render(
        request,
        "applications/offer_confirm.html",
        {
            "a": application,
            "o": o,
            "action": action,
            "charge": selectors.offer_charge(fee_minor, o.currency),
            "fee_major": Decimal(fee_minor).scaleb(-exp),
            "start_date": data["start_date"] or o.start_date,
            "due_date": data["due_date"] or o.due_date,
            "scope": data["scope"] or rules.offer_scope(o.summary, o.deliverables),
            "below_posting": fee_minor < o.fee_minor,
        },
    )


def _below_posting_warning(request: HttpRequest, fee_minor: int, application: Application) -> None:
    o = application.opportunity
    if fee_minor < o.fee_minor:
        messages.warning(
            request,
            f"This offer ({Money(fee_minor, o.currency)}) is below the posting's fee "
            f"({Money(o.fee_minor, o.currency)}); the candidate sees both.",
        )


@login_required
@require_POST
@second_factor_required  # a confirmed offer is charged to escrow on acceptance
def offer_make(request: HttpRequest, application_id: int) -> HttpResponse:
    application = selectors.access_application(
        actor=request.user, application_id=application_id, side="employer"
    )
    currency = application.opportunity.currency
    form = OfferForm(request.POST, currency=currency)
    if not form.is_valid():
        _flash_form_errors(request, form)
        return _back(application_id)
    with flash_refusal(request):
        fee = _fee_minor(form.cleaned_data["fee"], currency)
        if request.POST.get("confirm") != "yes":
            # Nothing is sent or charged before the employer has seen the figures.
            return _offer_confirm(
                request,
                application,
                form,
                fee if fee is not None else application.opportunity.fee_minor,
                reverse("application_offer", args=[application.pk]),
            )
        offer = services.offer_make(
            actor=request.user,
            application_id=application_id,
            fee_minor=fee,
            start_date=form.cleaned_data["start_date"],
            due_date=form.cleaned_data["due_date"],
            scope=form.cleaned_data["scope"] or None,
        )
        messages.success(request, "Offer sent.")
        _below_posting_warning(request, offer.fee_minor, application)
    return _back(application_id)


@login_required
@require_POST
@second_factor_required  # a confirmed offer is charged to escrow on acceptance
def offer_revise(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = selectors.access_offer(actor=request.user, offer_id=offer_id, side="employer")
    form = OfferForm(request.POST, currency=offer.currency)
    if not form.is_valid():
        _flash_form_errors(request, form)
        return _back(offer.application_id)
    with flash_refusal(request):
        fee = _fee_minor(form.cleaned_data["fee"], offer.currency)
        if request.POST.get("confirm") != "yes":
            return _offer_confirm(
                request,
                offer.application,
                form,
                fee if fee is not None else offer.fee_minor,
                reverse("offer_revise", args=[offer.pk]),
            )
        revised = services.offer_revise(
            actor=request.user,
            offer_id=offer.pk,
            fee_minor=fee if fee is not None else offer.fee_minor,
            start_date=form.cleaned_data["start_date"],
            due_date=form.cleaned_data["due_date"],
            scope=form.cleaned_data["scope"] or None,
        )
        messages.success(request, "Offer revised; the candidate has a fresh deadline.")
        _below_posting_warning(request, revised.fee_minor, offer.application)
    return _back(offer.application_id)


@login_required
@require_POST
def offer_withdraw(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = selectors.access_offer(actor=request.user, offer_id=offer_id, side="employer")
    with flash_refusal(request):
        services.offer_withdraw(actor=request.user, offer_id=offer.pk)
        messages.success(request, "Offer withdrawn; the applicant is back on your shortlist.")
    return _back(offer.application_id)


@login_required
@require_POST
def offer_counter(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = selectors.access_offer(actor=request.user, offer_id=offer_id, side="candidate")
    form = OfferCounterForm(request.POST, currency=offer.currency)
    if not form.is_valid():
        _flash_form_errors(request, form)
        return _back(offer.application_id)
    with flash_refusal(request):
        services.offer_counter(
            actor=request.user,
            offer_id=offer.pk,
            fee_minor=_fee_minor(form.cleaned_data["fee"], offer.currency) or 0,
            message=form.cleaned_data["message"],
        )
        messages.success(request, "Proposal sent: the employer decides whether to revise.")
    return _back(offer.application_id)


# --- The thread -----------------------------------------------------------------------


@login_required
@require_POST
def message_send(request: HttpRequest, application_id: int) -> HttpResponse:
    selectors.access_application(actor=request.user, application_id=application_id)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        with flash_refusal(request):
            services.message_send(
                actor=request.user,
                application_id=application_id,
                body=form.cleaned_data["body"],
                attachment=form.cleaned_data["attachment"],
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(reverse("application_detail", args=[application_id]) + "#thread")


@login_required
def message_attachment(request: HttpRequest, application_id: int, message_id: int) -> HttpResponse:
    return attachment_response(request.user, application_id, message_id)
