"""Leaving early: cancelling, and partial payments both sides agree to."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError, Forbidden, NotFound
from stint.core.money import Money
from stint.engagements import rules
from stint.engagements.locks import (
    lock_split_proposal,
)
from stint.engagements.models import (
    Decision,
    Engagement,
    ProposalStatus,
    SplitProposal,
    Submission,
)
from stint.engagements.services.common import (
    _check,
    _clean_text,
    _locked,
    _move,
    _notify_other_side,
    _released,
    _reopen_milestones,
)
from stint.engagements.services.opening import _require_funded
from stint.payments import services as payments

# --- Leaving early: cancel, partial payment ----------------------------------------------------


@transaction.atomic
def engagement_cancel(*, actor: User, engagement_id: int, reason: str = "") -> Engagement:
    """Before the work starts either side may cancel; escrow goes back to the employer."""
    engagement, side = _locked(actor, engagement_id)
    if side in (rules.CANDIDATE, rules.EMPLOYER) and engagement.status in rules.WORKING:
        raise ConflictError(
            "work_started",
            "The work has started: propose a partial payment or open a dispute instead.",
        )
    _check(engagement, rules.CANCEL, side)
    _require_funded(engagement)
    reason = _clean_text(reason, field="reason", max_len=2000)
    payments.escrow_refund(
        ref=engagement.ledger_ref,
        employer_id=engagement.employer_id,
        idempotency_key=f"refund:{engagement.pk}",
    )
    _move(engagement, rules.CANCEL, side)
    engagement.cancelled_at = engagement.updated_at
    engagement.released_minor = _released(engagement)  # what approved milestones paid
    engagement.save(update_fields=["status", "cancelled_at", "released_minor", "updated_at"])
    _notify_other_side(
        engagement,
        side,
        actor,
        kind="engagement.cancelled",
        title=f"{engagement.title} was cancelled before the work started",
        body=reason or "What is left in escrow goes back to the employer.",
    )
    return engagement


@transaction.atomic
def split_propose(
    *, actor: User, engagement_id: int, to_candidate_minor: int, note: str = ""
) -> SplitProposal:
    """After the work started, one side proposes ending with a partial payment."""
    engagement, side = _locked(actor, engagement_id)
    _check(engagement, rules.PROPOSE_SPLIT, side)
    problem = rules.split_refusal(to_candidate_minor, engagement.fee_minor, _released(engagement))
    if problem:
        raise DomainError("bad_amount", problem, "to_candidate_minor")
    note = _clean_text(note, field="note", max_len=2000)
    try:
        with transaction.atomic():
            proposal = SplitProposal.objects.create(
                engagement=engagement,
                proposed_by=actor,
                side=side,
                to_candidate_minor=to_candidate_minor,
                note=note,
            )
    except IntegrityError as exc:
        raise ConflictError(
            "proposal_pending", "A proposal is already waiting for an answer.", "to_candidate_minor"
        ) from exc
    amount = Money(to_candidate_minor, engagement.currency).format()
    _notify_other_side(
        engagement,
        side,
        actor,
        kind="engagement.split_proposed",
        title=f"{actor.display_name} proposes ending {engagement.title} with {amount} "
        "to the candidate",
        body=note,
    )
    return proposal


def _locked_proposal(engagement: Engagement, proposal_id: int) -> SplitProposal:
    proposal = lock_split_proposal(engagement, proposal_id)
    if proposal is None:
        raise NotFound("No such proposal.")
    if proposal.status != ProposalStatus.PENDING:
        raise ConflictError(
            "proposal_closed", f"This proposal is {proposal.get_status_display().lower()}."
        )
    return proposal


def _split(engagement: Engagement, to_candidate: int, key: str) -> None:
    payments.escrow_split(
        ref=engagement.ledger_ref,
        employer_id=engagement.employer_id,
        candidate_id=engagement.candidate_id,
        to_candidate=Money(to_candidate, engagement.currency),
        idempotency_key=key,
    )


@transaction.atomic
def split_accept(*, actor: User, engagement_id: int, proposal_id: int) -> Engagement:
    """The other side accepts: escrow is split and the engagement ends (cancelled)."""
    engagement, side = _locked(actor, engagement_id)
    _check(engagement, rules.SETTLE, side)
    proposal = _locked_proposal(engagement, proposal_id)
    if proposal.side == side:
        raise Forbidden("The other side accepts a proposal, not the side that made it.")
    released = _released(engagement)
    if rules.split_refusal(proposal.to_candidate_minor, engagement.fee_minor, released):
        raise ConflictError(  # cannot happen: releasing a milestone withdraws proposals
            "proposal_outdated", "Milestones were paid since this proposal; propose again."
        )
    _split(engagement, proposal.to_candidate_minor, f"settle:{proposal.pk}")
    _move(engagement, rules.SETTLE, side)
    proposal.status = ProposalStatus.ACCEPTED
    proposal.decided_by = actor
    proposal.decided_at = engagement.updated_at
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    Submission.objects.filter(engagement=engagement, decision=Decision.PENDING).update(
        decision=Decision.CLOSED, decided_at=engagement.updated_at
    )
    _reopen_milestones(engagement)
    engagement.cancelled_at = engagement.updated_at
    engagement.released_minor = released + proposal.to_candidate_minor
    engagement.save(update_fields=["status", "cancelled_at", "released_minor", "updated_at"])
    amount = Money(proposal.to_candidate_minor, engagement.currency).format()
    _notify_other_side(
        engagement,
        side,
        actor,
        kind="engagement.cancelled",
        title=f"{engagement.title} ended by agreement: {amount} to the candidate",
    )
    return engagement


@transaction.atomic
def split_decline(*, actor: User, engagement_id: int, proposal_id: int) -> SplitProposal:
    """The proposer withdraws it, or the other side declines it."""
    engagement, side = _locked(actor, engagement_id)
    if side not in (rules.CANDIDATE, rules.EMPLOYER):
        raise Forbidden("Only the two sides answer a proposal.")
    proposal = _locked_proposal(engagement, proposal_id)
    mine = proposal.side == side
    proposal.status = ProposalStatus.WITHDRAWN if mine else ProposalStatus.DECLINED
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    if not mine:
        _notify_other_side(
            engagement,
            side,
            actor,
            kind="engagement.split_proposed",
            title=f"Your proposal to end {engagement.title} early was declined",
        )
    return proposal
