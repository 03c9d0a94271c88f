from __future__ import annotations

from typing import Any

from django import template

from stint.core.money import Money
from stint.opportunities import cards, rules

register = template.Library()


@register.simple_tag
def money(minor: int, currency: str) -> str:
    return Money(int(minor), currency).localized()  # the viewer's locale


@register.simple_tag
def hourly(opportunity: Any) -> str:
    rate = rules.hourly_rate_minor(opportunity.fee_minor, opportunity.estimated_hours)
    return Money(rate, opportunity.currency).localized()


@register.simple_tag(takes_context=True)
def opportunity_card(context: Any, opportunity: Any, fit: Any = None, hide: Any = None) -> str:
    """One opportunity card (opportunities.cards): cached body, per-person rest.
    A page may have fetched its cards' bodies in one go (`card_bodies`)."""
    primed = context.get("card_bodies") or {}
    return cards.card(
        opportunity,
        request=context["request"],
        csrf_token=_csrf_token(context),
        fit=fit,
        hide=bool(hide),
        body=primed.get(opportunity.pk),
    )


@register.simple_tag(takes_context=True)
def recommendation_card(context: Any, recommendation: Any) -> str:
    return cards.recommendation(
        recommendation, request=context["request"], csrf_token=_csrf_token(context)
    )


@register.filter
def any_lack_history(recommendations: Any) -> bool:
    """Whether a note once above the cards should replace the per-card sentence."""
    return any(cards.lacks_history(r) for r in recommendations or ())


def _csrf_token(context: Any) -> str | None:
    """The page's token (one masking per page, not one per card)."""
    token = context.get("csrf_token")
    return str(token) if token else None
