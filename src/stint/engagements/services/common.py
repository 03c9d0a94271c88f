"""Helpers every area of the engagement services shares: notifications to each side, the checks of who may act, milestones that the engagement follows, and the one place a status changes (`_move`)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError, Forbidden
from stint.core.money import Money
from stint.engagements import rules
from stint.engagements.locks import (
    lock_milestone,
)
from stint.engagements.models import (
    Engagement,
    Milestone,
    MilestoneStatus,
)
from stint.engagements.selectors import access_engagement
from stint.notifications.services import notify
from stint.orgs.models import Membership

# --- Helpers ---------------------------------------------------------------------------------


def _url(engagement: Engagement) -> str:
    return reverse("engagement_detail", args=[engagement.pk])


def _fee(engagement: Engagement) -> Money:
    return Money(engagement.fee_minor, engagement.currency)


def _employer_members(engagement: Engagement, *, exclude: User | None = None) -> list[User]:
    members = Membership.objects.filter(organisation_id=engagement.employer_id).select_related(
        "user"
    )
    return [
        m.user for m in members if m.user.is_active and (exclude is None or m.user_id != exclude.pk)
    ]


def _notify_employer(
    engagement: Engagement, *, kind: str, title: str, body: str = "", exclude: User | None = None
) -> None:
    for user in _employer_members(engagement, exclude=exclude):
        notify(user=user, kind=kind, title=title, body=body, url=_url(engagement))


def _notify_candidate(engagement: Engagement, *, kind: str, title: str, body: str = "") -> None:
    notify(user=engagement.candidate, kind=kind, title=title, body=body, url=_url(engagement))


def _notify_other_side(
    engagement: Engagement, side: str, actor: User, *, kind: str, title: str, body: str = ""
) -> None:
    if side == rules.CANDIDATE:
        _notify_employer(engagement, kind=kind, title=title, body=body, exclude=actor)
    else:
        _notify_candidate(engagement, kind=kind, title=title, body=body)


def _check_side(engagement: Engagement, action: str, side: str) -> None:
    """Forbidden when this side never does `action`."""
    sides = {
        s for (_, a), (_, allowed) in rules.TRANSITIONS.items() if a == action for s in allowed
    }
    if side not in sides:
        raise Forbidden(rules.refusal(engagement.status, action, side) or "Not allowed.")


def _check(engagement: Engagement, action: str, side: str) -> None:
    """Forbidden when this side never does `action`; ConflictError when the
    current status does not allow it."""
    _check_side(engagement, action, side)
    refusal = rules.refusal(engagement.status, action, side)
    if refusal is not None:
        raise ConflictError("bad_transition", refusal)


def _check_milestone(engagement: Engagement, milestone: Milestone, action: str, side: str) -> None:
    """The milestone twin of `_check` (the caller has checked the side)."""
    refusal = rules.milestone_refusal(engagement.status, milestone.status, action, side)
    if refusal is not None:
        raise ConflictError("bad_transition", refusal, "milestone_id")


def _milestone_for(
    engagement: Engagement, milestone_id: int | None, action: str, side: str
) -> Milestone | None:
    """Check `action` (submit / request changes / approve) and return the locked
    milestone it is about: None for an engagement paid as a whole (which refuses a
    `milestone_id`), the milestone when it is paid by milestone (which needs one)."""
    _check_side(engagement, action, side)
    if not engagement.by_milestone:
        _check(engagement, action, side)
        if milestone_id is not None:
            raise DomainError(
                "no_milestones", "This engagement is not paid by milestone.", "milestone_id"
            )
        return None
    if milestone_id is None:
        raise DomainError(
            "milestone_required",
            "This engagement is paid milestone by milestone: choose the milestone.",
            "milestone_id",
        )
    milestone = None
    if isinstance(milestone_id, int) and 0 < milestone_id < 2**31:
        milestone = lock_milestone(engagement, milestone_id)
    if milestone is None:
        raise DomainError(
            "no_such_milestone", "This engagement has no such milestone.", "milestone_id"
        )
    _check_milestone(engagement, milestone, action, side)
    return milestone


def _released(engagement: Engagement) -> int:
    """How much of the fee approved milestones have already released from escrow."""
    if not engagement.by_milestone:
        return 0
    return sum(
        engagement.milestones.filter(status=MilestoneStatus.APPROVED).values_list(
            "amount_minor", flat=True
        )
    )


def _follow_milestones(engagement: Engagement) -> None:
    """With milestones, the engagement's status follows them while the work is under
    way (the last approval goes through `_move` instead, see `_approve_milestone`)."""
    target = rules.status_from_milestones(
        list(engagement.milestones.values_list("status", flat=True))
    )
    assert target in rules.WORKING, target
    engagement.status = target
    engagement.updated_at = timezone.now()


def _reopen_milestones(engagement: Engagement) -> None:
    """The work stopped (a split or a dispute closed the pending submissions): no
    milestone waits for review any more."""
    engagement.milestones.filter(status=MilestoneStatus.SUBMITTED).update(
        status=MilestoneStatus.PENDING
    )


def _move(engagement: Engagement, action: str, side: str) -> None:
    """Change the status in memory after checking the transition table."""
    _check(engagement, action, side)
    target = rules.target_of(engagement.status, action)
    assert target is not None
    engagement.status = target
    engagement.updated_at = timezone.now()


def _locked(actor: User, engagement_id: int, side: str | None = None) -> tuple[Engagement, str]:
    return access_engagement(actor=actor, engagement_id=engagement_id, for_update=True, side=side)


def _clean_text(value: str, *, field: str, max_len: int, required: str | None = None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(f"{field}_required", required, field)
    if len(value) > max_len:
        raise DomainError(f"{field}_too_long", f"Keep it under {max_len} characters.", field)
    return value
