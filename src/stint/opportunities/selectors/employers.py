"""An employer's side: its postings with their application counts, the organisations a person posts
for, and why a posting waits for a platform admin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from stint.accounts.models import User
from stint.opportunities.models import Opportunity, OpportunityStatus
from stint.orgs.models import Membership, OrgKind


def postings_of(organisation_id: int) -> QuerySet[Opportunity]:
    """An employer's postings with their application counts, newest first."""
    return (
        Opportunity.objects.filter(employer_id=organisation_id)
        .annotate(application_count=Count("applications", distinct=True))
        .order_by("-created_at", "-pk")
    )


def employer_orgs(user: User) -> list[Any]:
    return [
        m.organisation
        for m in Membership.objects.filter(user=user, organisation__kind=OrgKind.EMPLOYER)
        .select_related("organisation")
        .order_by("organisation__name")
    ]


@dataclass(frozen=True)
class PostingHold:
    status: str  # in_review | refused
    reasons: list[dict[str, Any]]
    refusal_reason: str
    next_step: str


def posting_hold(o: Opportunity) -> PostingHold | None:
    """Why a posting waits for an admin, or why it was last refused, in the words the
    employer sees on the page and in the API (issue 14 item 17)."""
    flags = [f for f in (o.review_flags or []) if isinstance(f, dict)]
    if o.status == OpportunityStatus.IN_REVIEW:
        return PostingHold(
            "in_review",
            flags,
            "",
            "Held for review: waiting for a platform admin to approve or refuse it.",
        )
    # Decisions live in moderation (a higher app); read through the reverse relation.
    last = getattr(o, "reviews_by_admins", None)
    decision = last.order_by("-decided_at", "-pk").first() if last is not None else None
    if (
        o.status == OpportunityStatus.DRAFT
        and decision is not None
        and decision.decision == "refused"
    ):
        return PostingHold(
            "refused",
            list(decision.flags or []),
            decision.reason,
            "A platform admin refused it: edit it as the reason says, then publish again.",
        )
    return None
