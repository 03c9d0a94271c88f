"""Every row lock engagements take, by name, and the order they are taken in.

Lock order (a transaction takes locks only in this order, so two transactions never
wait on each other in a circle, i.e. never deadlock):

1. the accepted offer an engagement is opened from (`lock_offer`; applications lock
   opportunity → application → offer before it);
2. the engagement (`lock_engagement`, or `selectors.access_engagement(for_update=True)`
   when a person acts): every change to its work or its money starts here, so two
   actions on one engagement queue up on this row;
3. its milestones (`lock_milestone`, `lock_submitted_milestones`);
4. its pending submissions (`lock_pending_submission`, `lock_submission_due`);
5. its split proposal (`lock_split_proposal`), then its dispute (`lock_dispute`);
6. last, the ledger accounts, locked inside the payments service an action calls
   (`stint.payments.locks`): payments know nothing of engagements, so their locks
   can only come after ours.

Every helper must run inside a transaction: the lock lasts until it commits.
"""

from __future__ import annotations

from django.db.models import QuerySet

from stint.applications.models import Offer
from stint.engagements.models import (
    Decision,
    Dispute,
    Engagement,
    Milestone,
    MilestoneStatus,
    SplitProposal,
    Submission,
)


def lock_offer(offer_id: int) -> Offer | None:
    return (
        Offer.objects.select_for_update(of=("self",))
        .select_related("application", "application__opportunity", "application__candidate")
        .filter(pk=offer_id)
        .first()
    )


def lock_engagement(engagement_id: int) -> Engagement | None:
    return (
        Engagement.objects.select_for_update(of=("self",))
        .select_related("candidate")
        .filter(pk=engagement_id)
        .first()
    )


def lock_milestone(engagement: Engagement, milestone_id: int) -> Milestone | None:
    return (
        Milestone.objects.select_for_update().filter(pk=milestone_id, engagement=engagement).first()
    )


def lock_submitted_milestones(engagement: Engagement) -> QuerySet[Milestone]:
    """The engagement's submitted milestones in plan order, locked when read."""
    return (
        Milestone.objects.select_for_update()
        .filter(engagement=engagement, status=MilestoneStatus.SUBMITTED)
        .order_by("position")
    )


def lock_pending_submission(
    engagement: Engagement, milestone: Milestone | None = None
) -> Submission | None:
    """The submission waiting for review (of `milestone`, or of the whole engagement)."""
    return (
        Submission.objects.select_for_update()
        .filter(engagement=engagement, milestone=milestone, decision="pending")
        .first()
    )


def lock_submission_due(submission_id: int) -> Submission | None:
    """A pending submission with its engagement and milestone (for reminders)."""
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("engagement", "milestone")
        .filter(pk=submission_id, decision=Decision.PENDING)
        .first()
    )


def lock_split_proposal(engagement: Engagement, proposal_id: int) -> SplitProposal | None:
    return (
        SplitProposal.objects.select_for_update()
        .filter(pk=proposal_id, engagement=engagement)
        .first()
    )


def lock_dispute(engagement: Engagement) -> Dispute | None:
    return Dispute.objects.select_for_update().filter(engagement=engagement).first()
