"""What a candidate keeps: saved postings, saved searches and the notice of new matches."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import DomainError, FieldProblems, NotFound
from stint.notifications.services import notify
from stint.opportunities.models import SavedOpportunity, SavedSearch
from stint.opportunities.selectors import BrowseQuery, access_opportunity, saved_search_matches
from stint.opportunities.services.common import _text

# How many postings one person can keep saved (a list to come back to, not an archive).
MAX_SAVED = 200


@transaction.atomic
def opportunity_save(*, actor: User, opportunity_id: int) -> SavedOpportunity:
    """Keep a posting the actor can see on their saved list; saving twice is one save."""
    opportunity = access_opportunity(actor=actor, opportunity_id=opportunity_id)
    saved = SavedOpportunity.objects.filter(user=actor, opportunity=opportunity).first()
    if saved is not None:
        return saved
    if SavedOpportunity.objects.filter(user=actor).count() >= MAX_SAVED:
        raise DomainError(
            "too_many_saved",
            f"You can keep at most {MAX_SAVED} saved postings; remove some first.",
            "opportunity_id",
        )
    saved, _ = SavedOpportunity.objects.get_or_create(user=actor, opportunity=opportunity)
    return saved


@transaction.atomic
def opportunity_unsave(*, actor: User, opportunity_id: int) -> None:
    SavedOpportunity.objects.filter(user=actor, opportunity_id=opportunity_id).delete()


@transaction.atomic
def saved_search_create(
    *, actor: User, name: str, query: BrowseQuery, notify_me: bool = True
) -> SavedSearch:
    problems = FieldProblems()
    name = _text(problems, name, "name", "A name", maximum=80, minimum=1)
    problems.raise_any()
    if SavedSearch.objects.filter(user=actor).count() >= 20:
        raise DomainError("too_many_searches", "You can keep at most 20 saved searches.", "name")
    return SavedSearch.objects.create(
        user=actor, name=name, query=query.to_params(), notify=notify_me
    )


@transaction.atomic
def saved_search_delete(*, actor: User, saved_search_id: int) -> None:
    deleted, _ = SavedSearch.objects.filter(user=actor, pk=saved_search_id).delete()
    if not deleted:
        raise NotFound("No such saved search.")


@transaction.atomic
def saved_search_notify(*, saved_search_id: int, now: datetime | None = None) -> int:
    """Tell the owner about opportunities published since the last notice, once.
    Idempotent: `last_notified_at` moves to the newest match, under a row lock."""
    search = (
        SavedSearch.objects.select_for_update()
        .select_related("user")
        .filter(pk=saved_search_id, notify=True)
        .first()
    )
    if search is None or not search.user.is_active:
        return 0
    matches = list(saved_search_matches(search).order_by("-published_at")[:50])
    if not matches:
        return 0
    newest = matches[0]
    titles = ", ".join(o.title for o in matches[:3])
    more = f" and {len(matches) - 3} more" if len(matches) > 3 else ""
    notify(
        user=search.user,
        kind="opportunity.saved_search_match",
        title=f"{len(matches)} new match(es) for “{search.name}”",
        body=f"New: {titles}{more}.",
        url=reverse("opportunity_browse") + "?saved=" + str(search.pk),
    )
    search.last_notified_at = max(newest.published_at or now or timezone.now(), search.created_at)
    search.save(update_fields=["last_notified_at"])
    return len(matches)
