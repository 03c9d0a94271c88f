"""The posting screen and the review hold.

A flagged posting waits "in_review"; only a platform admin moves it on (moderation's review
pages call the three writes below after checking the admin)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from stint.core.errors import ConflictError, NotFound
from stint.core.money import hourly_floor_minor
from stint.core.tasks import enqueue_on_commit
from stint.matching.tasks import opportunity_changed
from stint.opportunities import screening
from stint.opportunities.models import Opportunity, OpportunityStatus
from stint.opportunities.signals import opportunity_closed


def _screen_flags(opportunity: Opportunity) -> list[dict[str, str]]:
    """Every flag of the posting screen, as the JSON kept in `review_flags`."""
    text = screening.PostingText(
        title=opportunity.title,
        summary=opportunity.summary,
        deliverables=opportunity.deliverables,
        industry=opportunity.industry,
        fee_minor=opportunity.fee_minor,
        estimated_hours=opportunity.estimated_hours,
        questions=tuple(opportunity.questions.values_list("text", flat=True)),
    )
    flags = screening.screen_posting(
        text, min_hourly_minor=hourly_floor_minor(opportunity.currency)
    )
    return [flag.as_dict() for flag in flags]


def _locked_for_review(opportunity_id: int) -> Opportunity:
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
def opportunity_hold_for_review(*, opportunity_id: int, flags: list[dict[str, Any]]) -> Opportunity:
    """Take a draft or live posting out of browse until an admin decides
    (moderation's "hide posting"). Applications stay as they are."""
    opportunity = _locked_for_review(opportunity_id)
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
def opportunity_release_from_review(*, opportunity_id: int) -> Opportunity:
    """An admin found the posting fine: it is published (again)."""
    opportunity = _locked_for_review(opportunity_id)
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
def opportunity_refuse_after_review(*, opportunity_id: int) -> Opportunity:
    """An admin refused the posting: a never-published one goes back to draft
    (the employer edits and publishes again, and is screened again); one that
    had been live is closed, and its pending applicants get their answer."""
    opportunity = _locked_for_review(opportunity_id)
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
