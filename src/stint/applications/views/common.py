"""Helpers the application pages share: back to the application's page, and the form to
revise a live offer (shown on that page, posted to the offers' views)."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpResponse
from django.shortcuts import redirect

from stint.applications.forms import OfferForm
from stint.applications.models import Offer
from stint.core.money import CURRENCY_EXPONENTS


def _back(application_id: int) -> HttpResponse:
    return redirect("application_detail", application_id=application_id)


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
