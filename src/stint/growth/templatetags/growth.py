from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("growth/_tailoring.html", takes_context=True)
def tailoring_help(context: dict[str, Any], opportunity: Any) -> dict[str, Any]:
    """On the apply page: which of the candidate's skills, verified skills and past
    engagements meet this posting, and what it asks that they do not show yet.
    Read-only; the note stays the candidate's own."""
    from stint.growth.selectors import tailoring_for

    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return {"tailoring": None}
    return {"tailoring": tailoring_for(user, opportunity)}


@register.inclusion_tag("growth/_dashboard_candidate.html", takes_context=True)
def growth_dashboard(context: dict[str, Any]) -> dict[str, Any]:
    """The candidate's growth panel (the lead may include the partial directly instead,
    with `growth = stint.growth.selectors.dashboard_candidate(user)`)."""
    from stint.growth.selectors import dashboard_candidate

    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return {"growth": dashboard_candidate(user) if user is not None else {}}


@register.simple_tag
def public_reflections(user: Any) -> list[Any]:
    """`{% public_reflections owner as reflections %}` on the portfolio page."""
    from stint.growth.selectors import public_reflections as select

    return select(user)


@register.simple_tag
def public_references(user: Any) -> list[Any]:
    """`{% public_references owner as references %}` on the portfolio page."""
    from stint.reviews.selectors import public_references as select

    return select(user)
