"""Reads for engagements and the access checks that fetch and authorise in one call.

Who sees an engagement: its candidate and the members of its employer. Platform
admins see it only once it has a dispute. Everyone else gets NotFound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet, Sum

from stint.accounts.models import User
from stint.core.errors import Forbidden, NotFound
from stint.engagements import rules
from stint.engagements.models import (
    Dispute,
    DisputeStatus,
    Engagement,
    Milestone,
    MilestoneStatus,
    ProposalStatus,
    SplitProposal,
    Submission,
    SubmissionItem,
)
from stint.orgs.models import Membership
from stint.payments import services as payments

_NOT_FOUND = "No such engagement."


def is_member(user: User, organisation_id: int) -> bool:
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, organisation_id=organisation_id).exists()
    )


def side_of(user: User, engagement: Engagement) -> str | None:
    """candidate | employer | admin (staff, only when there is a dispute) | None."""
    if not user.is_authenticated:
        return None
    if engagement.candidate_id == user.pk:
        return rules.CANDIDATE
    if is_member(user, engagement.employer_id):
        return rules.EMPLOYER
    if user.is_staff and Dispute.objects.filter(engagement_id=engagement.pk).exists():
        return rules.ADMIN
    return None


def access_engagement(
    *,
    actor: User,
    engagement_id: int,
    for_update: bool = False,
    side: str | None = None,
) -> tuple[Engagement, str]:
    """The engagement and the actor's side. Outsiders get NotFound; with `side`,
    someone on another side gets Forbidden (they may see it, not do this)."""
    qs = Engagement.objects.select_related("employer", "candidate", "opportunity")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    engagement = qs.filter(pk=engagement_id).first()
    if engagement is None:
        raise NotFound(_NOT_FOUND)
    actual = side_of(actor, engagement)
    if actual is None:
        raise NotFound(_NOT_FOUND)
    if side is not None and actual != side:
        who = {
            rules.CANDIDATE: "the candidate",
            rules.EMPLOYER: "the employer's team",
            rules.ADMIN: "a platform admin",
        }[side]
        raise Forbidden(f"Only {who} can do that.")
    return engagement, actual


def access_item(*, actor: User, engagement_id: int, item_id: int) -> SubmissionItem:
    """A submitted file, only for those who may see its engagement."""
    access_engagement(actor=actor, engagement_id=engagement_id)
    item = (
        SubmissionItem.objects.filter(
            pk=item_id, submission__engagement_id=engagement_id, kind="file"
        )
        .exclude(file="")
        .first()
    )
    if item is None:
        raise NotFound("No such file.")
    return item


# --- Lists ---------------------------------------------------------------------------------


def engagements_for(user: User) -> QuerySet[Engagement]:
    """The candidate's engagements and those of every employer the user is a member of."""
    if not user.is_authenticated:
        return Engagement.objects.none()
    orgs = Membership.objects.filter(user=user).values("organisation_id")
    return (
        Engagement.objects.filter(Q(candidate=user) | Q(employer_id__in=orgs))
        .select_related("employer", "candidate")
        .order_by("-created_at", "-pk")
    )


def submissions_of(engagement: Engagement) -> QuerySet[Submission]:
    return (
        engagement.submissions.select_related("submitted_by", "decided_by", "milestone")
        .prefetch_related("items")
        .order_by("-pk")  # newest first: the version order, across milestones too
    )


def milestones_of(engagement: Engagement) -> list[Milestone]:
    return list(engagement.milestones.order_by("position"))


def released_by_milestones(milestones: Sequence[Milestone]) -> int:
    """How much of the fee approved milestones have released from escrow."""
    return sum(m.amount_minor for m in milestones if m.status == MilestoneStatus.APPROVED)


def pending_proposal(engagement: Engagement) -> SplitProposal | None:
    return (
        engagement.split_proposals.filter(status=ProposalStatus.PENDING)
        .select_related("proposed_by")
        .first()
    )


def dispute_of(engagement: Engagement) -> Dispute | None:
    return Dispute.objects.filter(engagement=engagement).select_related("opened_by").first()


def minutes_logged(engagement: Engagement) -> int:
    return engagement.time_logs.aggregate(total=Sum("minutes"))["total"] or 0


def dispute_queue(actor: User) -> QuerySet[Dispute]:
    """Platform admins: open disputes first, oldest first."""
    if not (actor.is_authenticated and actor.is_staff):
        raise NotFound("No such page.")
    return Dispute.objects.select_related(
        "engagement", "engagement__employer", "engagement__candidate", "opened_by"
    ).order_by("-status", "created_at")  # "open" sorts after "resolved": open first


# --- What this viewer may do ------------------------------------------------------------------


@dataclass
class MilestoneRow:
    """One milestone and what this viewer may do on it."""

    milestone: Milestone
    actions: list[str] = field(default_factory=list)
    change_rounds_left: int = 0

    def __contains__(self, name: object) -> bool:
        return name in self.actions


@dataclass
class Actions:
    """The actions allowed for one viewer, for the detail page and the API. With
    milestones, `names` holds submit / approve / request_changes when some milestone
    allows them, and `milestones` says which."""

    names: list[str] = field(default_factory=list)
    can_accept_split: bool = False
    can_withdraw_split: bool = False
    can_respond_dispute: bool = False
    change_rounds_left: int = 0
    milestones: list[MilestoneRow] = field(default_factory=list)

    def __contains__(self, name: object) -> bool:
        return name in self.names


def actions_for(
    engagement: Engagement,
    side: str,
    *,
    max_rounds: int,
    proposal: SplitProposal | None = None,
    dispute: Dispute | None = None,
    milestones: Sequence[Milestone] = (),
) -> Actions:
    names = rules.allowed_actions(engagement.status, side)
    if engagement.funded_at is None:
        names = []  # nothing to do until the employer's payment is in escrow
    # Hidden from people: the system's own actions, and what the table allows but state forbids.
    names = [n for n in names if n not in (rules.AUTO_APPROVE, rules.RELEASE, rules.SETTLE)]
    rounds_left = max(0, max_rounds - engagement.change_rounds)
    if rules.REQUEST_CHANGES in names and rounds_left == 0:
        names.remove(rules.REQUEST_CHANGES)
    rows = []
    for m in milestones:  # (before the start, or paid as a whole: a plan, no actions)
        allowed = [
            a
            for a in rules.allowed_milestone_actions(engagement.status, m.status, side)
            if a != rules.AUTO_APPROVE and engagement.by_milestone
        ]
        left = max(0, max_rounds - m.change_rounds)
        if rules.REQUEST_CHANGES in allowed and left == 0:
            allowed.remove(rules.REQUEST_CHANGES)
        rows.append(MilestoneRow(milestone=m, actions=allowed, change_rounds_left=left))
    if engagement.by_milestone:
        # Submit / review act on milestones: the engagement offers what any of them allows.
        work = [
            a
            for a in (rules.SUBMIT, rules.REQUEST_CHANGES, rules.APPROVE)
            if any(a in row.actions for row in rows)
        ]
        names = work + [n for n in names if n not in rules.MILESTONE_ACTIONS]
    if rules.PROPOSE_SPLIT in names and proposal is not None:
        names.remove(rules.PROPOSE_SPLIT)
    can_respond = False
    if rules.RESPOND in names:
        names.remove(rules.RESPOND)
        can_respond = bool(
            dispute
            and dispute.status == DisputeStatus.OPEN
            and dispute.opener_side != side
            and not dispute.response_statement
        )
    return Actions(
        names=names,
        can_accept_split=bool(
            proposal and proposal.side != side and side in (rules.CANDIDATE, rules.EMPLOYER)
        ),
        can_withdraw_split=bool(proposal and proposal.side == side),
        can_respond_dispute=can_respond,
        change_rounds_left=rounds_left,
        milestones=rows,
    )


# --- Dashboard panels ------------------------------------------------------------------------


def dashboard_candidate(user: User) -> dict[str, Any]:
    """Active engagements of the candidate and those that wait for them."""
    active = list(
        Engagement.objects.filter(candidate=user, status__in=rules.ACTIVE)
        .select_related("employer")
        .order_by("due_date", "-created_at")
    )
    proposals = set(
        SplitProposal.objects.filter(
            engagement__in=active, status=ProposalStatus.PENDING, side=rules.EMPLOYER
        ).values_list("engagement_id", flat=True)
    )
    answers = set(
        Dispute.objects.filter(
            engagement__in=active,
            status=DisputeStatus.OPEN,
            opener_side=rules.EMPLOYER,
            response_statement="",
        ).values_list("engagement_id", flat=True)
    )
    # With milestones, others may wait for work while one waits for review.
    open_milestones = set(
        Milestone.objects.filter(
            engagement__in=[e for e in active if e.status == rules.SUBMITTED],
            status__in=[MilestoneStatus.PENDING, MilestoneStatus.CHANGES_REQUESTED],
        ).values_list("engagement_id", flat=True)
    )
    needs = [
        e
        for e in active
        if e.status in (rules.FUNDED, rules.IN_PROGRESS, rules.CHANGES_REQUESTED)
        or e.pk in open_milestones
        or e.pk in proposals
        or e.pk in answers
    ]
    return {"active": active, "needs_action": needs, "active_count": len(active)}


def dashboard_employer(user: User) -> dict[str, Any]:
    """Active engagements of the user's employers and those waiting for a review
    or an answer from them."""
    orgs = Membership.objects.filter(user=user).values("organisation_id")
    active = list(
        Engagement.objects.filter(employer_id__in=orgs, status__in=rules.ACTIVE)
        .select_related("candidate", "employer")
        .order_by("due_date", "-created_at")
    )
    proposals = set(
        SplitProposal.objects.filter(
            engagement__in=active, status=ProposalStatus.PENDING, side=rules.CANDIDATE
        ).values_list("engagement_id", flat=True)
    )
    answers = set(
        Dispute.objects.filter(
            engagement__in=active,
            status=DisputeStatus.OPEN,
            opener_side=rules.CANDIDATE,
            response_statement="",
        ).values_list("engagement_id", flat=True)
    )
    needs = [
        e for e in active if e.status == rules.SUBMITTED or e.pk in proposals or e.pk in answers
    ]
    return {"active": active, "needs_action": needs, "active_count": len(active)}


def next_step_for(engagement: Engagement, side: str) -> str:
    """What happens next and who acts, for this reader (page and API alike)."""
    return rules.next_step(
        status=engagement.status,
        side=side,
        employer=engagement.employer.name,
        candidate=engagement.candidate.display_name,
        funded=engagement.funded_at is not None,
    )


def escrow_held(engagement: Engagement) -> int:
    """Minor units the ledger holds in escrow for this engagement right now."""
    return payments.escrow_balance(engagement.ledger_ref, engagement.currency).amount
