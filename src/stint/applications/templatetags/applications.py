from __future__ import annotations

from typing import Any

from django import template

from stint.core.money import Money

register = template.Library()


@register.filter
def money(amount_minor: int | None, currency: str) -> str:
    if amount_minor is None:
        return ""
    try:
        return Money(int(amount_minor), currency).localized()  # the viewer's locale
    except (TypeError, ValueError):
        return f"{amount_minor} {currency}"


@register.inclusion_tag("applications/_opportunity_actions.html", takes_context=True)
def opportunity_actions(context: dict[str, Any], opportunity: Any) -> dict[str, Any]:
    """On an opportunity page: the viewer's application (or the apply button) and
    how this employer answers applicants. Lets the opportunities app show it
    without importing upward."""
    from stint.applications.models import Application
    from stint.applications.selectors import employer_response_stats

    user = context["request"].user
    mine = None
    if user.is_authenticated:
        mine = Application.objects.filter(opportunity=opportunity, candidate=user).first()
    return {
        "opportunity": opportunity,
        "user": user,
        "mine": mine,
        "can_apply": bool(
            user.is_authenticated
            and user.is_candidate
            and mine is None
            and opportunity.status == "published"
        ),
        "stats": employer_response_stats(opportunity.employer),
        "employer_name": opportunity.employer.name,
    }
