"""What a candidate keeps: saved postings, hidden ones to bring back, saved searches and their new
matches."""

from __future__ import annotations

from django.db.models import QuerySet

from stint.accounts.models import User
from stint.opportunities.models import HiddenOpportunity, Opportunity, SavedOpportunity, SavedSearch
from stint.opportunities.selectors.access import PUBLICLY_READABLE, visible_q
from stint.opportunities.selectors.browsing import BrowseQuery, browse


def saved_of(user: User) -> QuerySet[Opportunity]:
    """The postings the user saved for later and may still see, newest save first."""
    saved = SavedOpportunity.objects.filter(user=user)
    return (
        Opportunity.objects.filter(visible_q(user), status__in=PUBLICLY_READABLE)
        .filter(pk__in=saved.values("opportunity_id"))
        .select_related("employer")
        .order_by("-pk")
    )


def hidden_of(user: User) -> QuerySet[HiddenOpportunity]:
    """What the user hid from their results, to bring back (newest first)."""
    return (
        HiddenOpportunity.objects.filter(user=user)
        .select_related("opportunity", "opportunity__employer")
        .order_by("-created_at", "-pk")
    )


def saved_searches_of(user: User) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(user=user).order_by("-created_at", "-pk")


def saved_search_matches(search: SavedSearch) -> QuerySet[Opportunity]:
    """Matches published after the search was last notified (or created)."""
    since = search.last_notified_at or search.created_at
    query = BrowseQuery.from_params({**search.query, "sort": "newest"})
    return browse(search.user, query).filter(published_at__gt=since)
