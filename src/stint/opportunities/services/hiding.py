"""Recommendations a candidate hides, with an optional reason."""

from __future__ import annotations

from django.db import transaction

from stint.accounts.models import User
from stint.core.errors import DomainError
from stint.opportunities.models import HiddenOpportunity
from stint.opportunities.selectors import access_opportunity

HIDE_REASONS = ("not_interested", "not_my_skills", "pay_too_low", "wrong_dates", "too_far", "other")


@transaction.atomic
def opportunity_hide(*, actor: User, opportunity_id: int, reason: str = "") -> HiddenOpportunity:
    opportunity = access_opportunity(actor=actor, opportunity_id=opportunity_id)
    if reason and reason not in HIDE_REASONS:
        raise DomainError("bad_reason", "Choose one of the listed reasons.", "reason")
    hidden, _ = HiddenOpportunity.objects.update_or_create(
        user=actor, opportunity=opportunity, defaults={"reason": reason}
    )
    return hidden


@transaction.atomic
def opportunity_unhide(*, actor: User, opportunity_id: int) -> None:
    HiddenOpportunity.objects.filter(user=actor, opportunity_id=opportunity_id).delete()
