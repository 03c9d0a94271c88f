from __future__ import annotations

from typing import Any

from django import template

from stint.institutions import selectors
from stint.opportunities.models import Opportunity, OpportunityStatus

register = template.Library()


@register.inclusion_tag("institutions/_endorsements.html", takes_context=True)
def institution_endorsements(context: dict[str, Any], opportunity: Opportunity) -> dict[str, Any]:
    """On an opportunity page: "Endorsed by <institution>" for the viewer's
    institutions, and for career-services staff an endorse button. Lets the
    opportunities app show it without importing upward."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"endorsements": [], "can_endorse": [], "opportunity": opportunity}
    endorsements = selectors.endorsements_for(user, opportunity)
    endorsed_by = {e.institution_id for e in endorsements}
    can_endorse = []
    if opportunity.status == OpportunityStatus.PUBLISHED:
        for inst in selectors.staff_institutions(user):
            if inst.pk not in endorsed_by and (
                Opportunity.objects.filter(selectors.endorsable_q(inst), pk=opportunity.pk).exists()
            ):
                can_endorse.append(inst)
    return {
        "endorsements": endorsements,
        "can_endorse": can_endorse,
        "opportunity": opportunity,
        "csrf_token": context.get("csrf_token"),
    }
