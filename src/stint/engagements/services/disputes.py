"""Disputes: either side opens one, the other responds, a platform admin resolves it."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from stint.accounts.models import User
from stint.audit import services as audit
from stint.core.errors import ConflictError, DomainError, Forbidden, NotFound
from stint.core.money import Money
from stint.engagements import rules
from stint.engagements.locks import (
    lock_dispute,
)
from stint.engagements.models import (
    Decision,
    Dispute,
    DisputeStatus,
    Engagement,
    ProposalStatus,
    SplitProposal,
    Submission,
)
from stint.engagements.selectors import access_engagement
from stint.engagements.services.common import (
    _check,
    _clean_text,
    _locked,
    _move,
    _notify_candidate,
    _notify_employer,
    _notify_other_side,
    _released,
    _reopen_milestones,
)
from stint.engagements.services.leaving import _split

# --- Disputes ---------------------------------------------------------------------------------


@transaction.atomic
def dispute_open(*, actor: User, engagement_id: int, statement: str) -> Dispute:
    engagement, side = _locked(actor, engagement_id)
    _check(engagement, rules.DISPUTE, side)
    statement = _clean_text(
        statement, field="statement", max_len=5000, required="Explain what went wrong."
    )
    previous = engagement.status
    _move(engagement, rules.DISPUTE, side)
    engagement.save(update_fields=["status", "updated_at"])
    SplitProposal.objects.filter(engagement=engagement, status=ProposalStatus.PENDING).update(
        status=ProposalStatus.WITHDRAWN, decided_at=engagement.updated_at
    )
    Submission.objects.filter(engagement=engagement, decision=Decision.PENDING).update(
        decision=Decision.CLOSED, decided_at=engagement.updated_at
    )
    _reopen_milestones(engagement)
    try:
        with transaction.atomic():
            dispute = Dispute.objects.create(
                engagement=engagement,
                opened_by=actor,
                opener_side=side,
                opener_statement=statement,
                previous_status=previous,
            )
    except IntegrityError as exc:  # one dispute per engagement, ever
        raise ConflictError("already_disputed", "This engagement already had a dispute.") from exc
    _notify_other_side(
        engagement,
        side,
        actor,
        kind="engagement.dispute",
        title=f"{actor.display_name} opened a dispute on {engagement.title}",
        body="Add your side of the story; a platform admin will decide.",
    )
    return dispute


def _locked_dispute(engagement: Engagement) -> Dispute:
    dispute = lock_dispute(engagement)
    if dispute is None:
        raise NotFound("No such dispute.")
    return dispute


@transaction.atomic
def dispute_respond(*, actor: User, engagement_id: int, statement: str) -> Dispute:
    """The other side adds their statement, once."""
    engagement, side = _locked(actor, engagement_id)
    _check(engagement, rules.RESPOND, side)
    dispute = _locked_dispute(engagement)
    if dispute.opener_side == side:
        raise Forbidden("The other side answers a dispute.")
    if dispute.response_statement:
        raise ConflictError("already_answered", "Your side has already answered.", "statement")
    dispute.response_statement = _clean_text(
        statement, field="statement", max_len=5000, required="Give your side of the story."
    )
    dispute.responded_by = actor
    dispute.responded_at = timezone.now()
    dispute.save(update_fields=["response_statement", "responded_by", "responded_at"])
    return dispute


@transaction.atomic
def dispute_resolve(
    *, actor: User, engagement_id: int, to_candidate_minor: int, resolution: str
) -> Dispute:
    """A platform admin decides how much of the escrow goes to the candidate."""
    if not (actor.is_authenticated and actor.is_staff):
        access_engagement(actor=actor, engagement_id=engagement_id)  # NotFound for outsiders
        raise Forbidden("Only a platform admin resolves disputes.")
    engagement, side = _locked(actor, engagement_id)
    if side != rules.ADMIN:
        raise Forbidden("A platform admin who is not part of this engagement resolves it.")
    _check(engagement, rules.RESOLVE, side)
    released = _released(engagement)
    problem = rules.split_refusal(to_candidate_minor, engagement.fee_minor, released)
    if problem:
        raise DomainError("bad_amount", problem, "to_candidate_minor")
    resolution = _clean_text(
        resolution, field="resolution", max_len=5000, required="Write down the decision."
    )
    dispute = _locked_dispute(engagement)
    _split(engagement, to_candidate_minor, f"split:{dispute.pk}")
    _move(engagement, rules.RESOLVE, side)
    dispute.status = DisputeStatus.RESOLVED
    dispute.resolution = resolution
    dispute.to_candidate_minor = to_candidate_minor
    dispute.resolved_by = actor
    dispute.resolved_at = engagement.updated_at
    dispute.save(
        update_fields=["status", "resolution", "to_candidate_minor", "resolved_by", "resolved_at"]
    )
    engagement.resolved_at = engagement.updated_at
    engagement.released_minor = released + to_candidate_minor
    engagement.save(update_fields=["status", "resolved_at", "released_minor", "updated_at"])
    audit.record(
        actor=actor,
        action="dispute.resolved",
        target=("engagement", engagement.pk),
        before={"status": dispute.previous_status, "released_minor": released},
        after={
            "dispute": dispute.pk,
            "to_candidate_minor": to_candidate_minor,
            "currency": engagement.currency,
            "resolution": resolution,
        },
    )
    amount = Money(to_candidate_minor, engagement.currency).format()
    title = f"The dispute on {engagement.title} is resolved: {amount} to the candidate"
    _notify_candidate(engagement, kind="engagement.dispute", title=title, body=resolution)
    _notify_employer(engagement, kind="engagement.dispute", title=title, body=resolution)
    return dispute
