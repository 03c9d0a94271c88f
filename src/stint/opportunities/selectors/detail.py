"""What one posting's page adds for its reader: why it matches and whether it is worth it, its
clarity, and whether the reader hid or saved it."""

from __future__ import annotations

from dataclasses import dataclass

from stint.accounts.models import User
from stint.matching.engine import FitView, fit_for, worth_for
from stint.matching.postings import ClarityView, clarity_for
from stint.opportunities.models import HiddenOpportunity, Opportunity, SavedOpportunity


@dataclass
class Insight:
    """For a logged-in candidate: why this matches, and whether it is worth it."""

    fit: FitView
    worth: list[str]


def insight_for(user: User, opportunity: Opportunity) -> Insight | None:
    if not user.is_authenticated or "candidate" not in user.roles:
        return None
    return Insight(
        fit=fit_for(user, opportunity), worth=list(worth_for(user, opportunity)["sentences"])
    )


def clarity_of(opportunity: Opportunity) -> ClarityView:
    return clarity_for(opportunity)


def is_hidden(user: User, opportunity: Opportunity) -> bool:
    return (
        user.is_authenticated
        and HiddenOpportunity.objects.filter(user=user, opportunity=opportunity).exists()
    )


def is_saved(user: User, opportunity: Opportunity) -> bool:
    return (
        user.is_authenticated
        and SavedOpportunity.objects.filter(user=user, opportunity=opportunity).exists()
    )
