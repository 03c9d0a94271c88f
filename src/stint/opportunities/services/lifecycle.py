"""An opportunity's lifecycle: publish (screened first, and held for review when flagged), close,
mark filled, archive."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError
from stint.core.tasks import enqueue_on_commit
from stint.matching.tasks import opportunity_changed
from stint.opportunities import rules
from stint.opportunities.models import Opportunity, OpportunityStatus
from stint.opportunities.selectors import access_opportunity
from stint.opportunities.services.posting import _clean, posting_of
from stint.opportunities.services.review import _screen_flags
from stint.opportunities.signals import opportunity_closed


@transaction.atomic
def opportunity_transition(*, actor: User, opportunity_id: int, status: str) -> Opportunity:
    opportunity = access_opportunity(
        actor=actor, opportunity_id=opportunity_id, manage=True, for_update=True
    )
    if status not in OpportunityStatus.values:
        raise DomainError("bad_status", "Unknown status.", "status")
    if not rules.can_transition(opportunity.status, status):
        allowed = rules.allowed_transitions(opportunity.status)
        raise ConflictError(
            "bad_transition",
            f"A {opportunity.status} opportunity cannot become {status}"
            + (f" (it can become {' or '.join(allowed)})." if allowed else "."),
            "status",
        )
    now = timezone.now()
    if status == OpportunityStatus.PUBLISHED:
        if not opportunity.employer.is_verified:
            raise DomainError(
                "employer_not_verified",
                f"{opportunity.employer.name} must be verified by a platform admin before it "
                "can publish. Your draft is saved.",
            )
        # The terms are checked again: the pay rule may have changed since the draft.
        _clean(posting_of(opportunity), filled_count=opportunity.filled_count)
        if opportunity.apply_by and opportunity.apply_by < timezone.localdate():
            raise DomainError(
                "apply_by_past", "The apply-by date has passed; move it later first.", "apply_by"
            )
        # The posting screen may hold it for a platform admin's review.
        flags = _screen_flags(opportunity)
        if flags:
            opportunity.status = OpportunityStatus.IN_REVIEW
            opportunity.review_flags = flags
            opportunity.updated_at = now
            opportunity.save(update_fields=["status", "review_flags", "updated_at"])
            return opportunity
        opportunity.published_at = now
        opportunity.review_flags = []
    if status in rules.CLOSING:
        opportunity.closed_at = now
    opportunity.status = status
    opportunity.updated_at = now
    opportunity.save(
        update_fields=["status", "published_at", "closed_at", "review_flags", "updated_at"]
    )
    enqueue_on_commit(opportunity_changed, opportunity.pk)
    if status in rules.CLOSING:
        # Pending applicants get their answer once this commits (no ghosting).
        transaction.on_commit(
            lambda: opportunity_closed.send(sender=Opportunity, opportunity_id=opportunity_id),
            robust=True,
        )
    return opportunity


def opportunity_publish(*, actor: User, opportunity_id: int) -> Opportunity:
    return opportunity_transition(actor=actor, opportunity_id=opportunity_id, status="published")


def opportunity_close(*, actor: User, opportunity_id: int) -> Opportunity:
    return opportunity_transition(actor=actor, opportunity_id=opportunity_id, status="closed")


def opportunity_mark_filled(*, actor: User, opportunity_id: int) -> Opportunity:
    return opportunity_transition(actor=actor, opportunity_id=opportunity_id, status="filled")


def opportunity_archive(*, actor: User, opportunity_id: int) -> Opportunity:
    return opportunity_transition(actor=actor, opportunity_id=opportunity_id, status="archived")
