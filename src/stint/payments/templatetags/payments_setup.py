"""`{% payment_setup_panel org %}`: an employer's payment setup on the organisation page
(orgs is below payments, so its template uses this tag instead of importing)."""

from __future__ import annotations

from typing import Any

from django import template

from stint.core.errors import Forbidden, NotFound

register = template.Library()


@register.inclusion_tag("payments/_org_setup.html", takes_context=True)
def payment_setup_panel(context: dict[str, Any], org: Any) -> dict[str, Any]:
    """Shown to the organisation's owners and admins; renders nothing for anyone else."""
    from stint.payments.forms import PaymentSetupForm
    from stint.payments.selectors import access_employer_setup, payment_setup_for

    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    try:
        org, account = access_employer_setup(actor=user, organisation_id=org.pk)
    except (NotFound, Forbidden):
        return {"org": org, "setup": None}
    return {
        "org": org,
        "setup": payment_setup_for(org, account),
        "form": PaymentSetupForm(),
        "csrf_token": context.get("csrf_token"),
    }
