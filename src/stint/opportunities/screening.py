"""Posting screening: a registry of checks that run when a posting is published.

Opportunities sit below moderation, so moderation registers its screen here
(in its AppConfig.ready) instead of being called (docs/decisions/0004). A screen
takes the opportunity and returns flags; any flag holds the posting in
"in_review" instead of publishing it. Only a platform admin moves it on, through
`release_from_review` (publish) or `refuse_after_review` (back to draft, or
closed when it had been live).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from stint.core.errors import ConflictError, NotFound
from stint.core.tasks import enqueue_on_commit
from stint.matching.tasks import opportunity_changed
from stint.opportunities.models import Opportunity, OpportunityStatus
from stint.opportunities.signals import opportunity_closed


@dataclass(frozen=True)
class ScreenFlag:
    code: str
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


Screen = Callable[[Opportunity], Iterable[ScreenFlag]]
_SCREENS: list[Screen] = []


def register_screen(fn: Screen) -> Screen:
    """Add a screen (idempotent, so a repeated `ready()` registers it once)."""
    if fn not in _SCREENS:
        _SCREENS.append(fn)
    return fn


def unregister_screen(fn: Screen) -> None:
    if fn in _SCREENS:
        _SCREENS.remove(fn)


def registered_screens() -> tuple[Screen, ...]:
    return tuple(_SCREENS)


def run_screens(opportunity: Opportunity) -> list[dict[str, str]]:
    """Every flag of every registered screen, as JSON-safe dicts."""
    flags: list[dict[str, str]] = []
    for screen in _SCREENS:
        flags.extend(f.as_dict() for f in screen(opportunity))
    return flags


def _locked(opportunity_id: int) -> Opportunity:
    opportunity = (
        Opportunity.objects.select_for_update(of=("self",))
        .select_related("employer")
        .filter(pk=opportunity_id)
        .first()
    )
    if opportunity is None:
        raise NotFound("No such opportunity.")
    return opportunity


@transaction.atomic
def hold_for_review(*, opportunity_id: int, flags: list[dict[str, Any]]) -> Opportunity:
    """Take a draft or live posting out of browse until an admin decides
    (moderation's "hide posting"). Applications stay as they are."""
    opportunity = _locked(opportunity_id)
    if opportunity.status not in (OpportunityStatus.DRAFT, OpportunityStatus.PUBLISHED):
        raise ConflictError(
            "not_reviewable", f"A {opportunity.status} opportunity cannot be put in review."
        )
    opportunity.status = OpportunityStatus.IN_REVIEW
    opportunity.review_flags = flags
    opportunity.updated_at = timezone.now()
    opportunity.save(update_fields=["status", "review_flags", "updated_at"])
    enqueue_on_commit(opportunity_changed, opportunity.pk)
    return opportunity


@transaction.atomic
def release_from_review(*, opportunity_id: int) -> Opportunity:
    """An admin found the posting fine: it is published (again)."""
    opportunity = _locked(opportunity_id)
    if opportunity.status != OpportunityStatus.IN_REVIEW:
        raise ConflictError("not_in_review", "This opportunity is not waiting for review.")
    now = timezone.now()
    opportunity.status = OpportunityStatus.PUBLISHED
    opportunity.published_at = opportunity.published_at or now
    opportunity.review_flags = []
    opportunity.updated_at = now
    opportunity.save(update_fields=["status", "published_at", "review_flags", "updated_at"])
    enqueue_on_commit(opportunity_changed, opportunity.pk)
    return opportunity


@transaction.atomic
def refuse_after_review(*, opportunity_id: int) -> Opportunity:
    """An admin refused the posting: a never-published one goes back to draft
    (the employer edits and publishes again, and is screened again); one that
    had been live is closed, and its pending applicants get their answer."""
    opportunity = _locked(opportunity_id)
    if opportunity.status != OpportunityStatus.IN_REVIEW:
        raise ConflictError("not_in_review", "This opportunity is not waiting for review.")
    now = timezone.now()
    was_live = opportunity.published_at is not None
    opportunity.status = OpportunityStatus.CLOSED if was_live else OpportunityStatus.DRAFT
    if was_live:
        opportunity.closed_at = now
    opportunity.updated_at = now
    opportunity.save(update_fields=["status", "closed_at", "updated_at"])
    enqueue_on_commit(opportunity_changed, opportunity.pk)
    if was_live:
        transaction.on_commit(
            lambda: opportunity_closed.send(sender=Opportunity, opportunity_id=opportunity_id),
            robust=True,
        )
    return opportunity
