"""An application's page (for both sides, with its offers and thread), and the applicant's
profile and resume for the employer's team."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from stint.applications import rules, selectors, services
from stint.applications.forms import DeclineForm, MessageForm, OfferCounterForm, OfferForm
from stint.applications.views.common import _revise_form
from stint.core.money import CURRENCY_EXPONENTS
from stint.matching.engine import fits_about
from stint.profiles.selectors import completeness_of, profile_sections
from stint.profiles.views import resume_response


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
