"""`{% verification_status org %}`: where an employer stands with verification and
the link to act on it, for pages of lower apps (orgs, opportunities) that may not
import moderation."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("moderation/_verification_status.html", takes_context=True)
def verification_status(context: dict[str, Any], org: Any) -> dict[str, Any]:
    """Renders nothing for institutions; says who must act next for employers."""
    from stint.moderation.selectors import verification_state

    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return {"org": org, "state": verification_state(org, user)}
