"""The opportunities panels of the dashboard, for employers and for candidates."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from stint.accounts.models import User
from stint.opportunities.models import Opportunity, OpportunityStatus
from stint.opportunities.selectors.browsing import BrowseQuery, browse
from stint.orgs.models import Membership, OrgKind


def dashboard_employer(user: User) -> dict[str, Any]:
    """The employer panel: counts per status and the latest live postings."""
    org_ids = Membership.objects.filter(user=user, organisation__kind=OrgKind.EMPLOYER).values(
        "organisation_id"
    )
    mine = Opportunity.objects.filter(employer_id__in=org_ids)
    counts = {
        row["status"]: row["n"] for row in mine.values("status").annotate(n=Count("pk")).order_by()
    }
    recent = list(
        mine.exclude(status=OpportunityStatus.ARCHIVED)
        .select_related("employer")
        .annotate(application_count=Count("applications", distinct=True))
        .order_by("-updated_at", "-pk")[:5]
    )
    return {
        "counts": {s: counts.get(s, 0) for s in OpportunityStatus.values},
        "recent": recent,
        "total": sum(counts.values()),
    }


def dashboard_candidate(user: User, limit: int = 5) -> dict[str, Any]:
    """The candidate panel: the newest opportunities they can apply to."""
    return {"newest": list(browse(user, BrowseQuery())[:limit])}
