"""Offers: the employer makes, revises (each after a confirmation step showing what escrow
will be charged) or withdraws one; the candidate accepts, declines or counters."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from stint.accounts.mfa import second_factor_required
from stint.applications import rules, selectors, services
from stint.applications.forms import OfferCounterForm, OfferForm
from stint.applications.models import Application
from stint.applications.views.common import _back
from stint.core.errors import DomainError
from stint.core.forms import flash_refusal
from stint.core.money import CURRENCY_EXPONENTS, Money, hourly_floor_minor
from stint.opportunities.rules import amount_to_minor


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
