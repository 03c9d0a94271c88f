"""The review page of one engagement: the reviews the viewer may read (double-blind until both
wrote or the window closed), and whether they may write theirs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from stint.accounts.models import User
from stint.engagements.models import Engagement
from stint.reviews import rules
from stint.reviews.models import Credential, FollowUpOffer, Review
from stint.reviews.selectors.access import STAFF, access_engagement, approval_time


def visible_reviews_for(*, viewer_side: str, engagement: Engagement) -> list[Review]:
    """The reviews of an engagement the viewer may read: their own side's always,
    the other side's once visible. Platform admins see only visible ones."""
    now = timezone.now()
    return [
        r
        for r in engagement.reviews.select_related("author").order_by("side")
        if r.side == viewer_side or rules.is_visible(r.visible_at, now)
    ]


def reviews_for(*, actor: User, engagement_id: int) -> tuple[Engagement, str, list[Review]]:
    engagement, side = access_engagement(actor=actor, engagement_id=engagement_id)
    return engagement, side, visible_reviews_for(viewer_side=side, engagement=engagement)


@dataclass
class ReviewState:
    """What the review page needs to know about one engagement for one viewer."""

    engagement: Engagement
    side: str
    reviews: list[Review]
    mine: Review | None
    other_in: bool  # the other side has reviewed (the review itself may be hidden)
    reveal_at: datetime
    refusal: tuple[str, str] | None
    skills: list[dict[str, Any]]  # the opportunity's required skills
    verified: dict[str, int]  # skill id → verified level
    follow_ups: list[FollowUpOffer]
    credential: Credential | None


def review_state(*, actor: User, engagement_id: int) -> ReviewState:
    engagement, side, visible = reviews_for(actor=actor, engagement_id=engagement_id)
    all_sides = set(engagement.reviews.values_list("side", flat=True))
    approved = approval_time(engagement)
    mine = next((r for r in visible if r.side == side), None)
    refusal = None
    if side == STAFF:
        refusal = ("not_party", "Only the people in this engagement review it.")
    elif mine is not None:
        refusal = ("already_reviewed", "You have reviewed this engagement.")
    else:
        refusal = rules.review_refusal(
            status=engagement.status,
            approved_at=approved,
            now=timezone.now(),
            reveal_days=settings.STINT_REVIEW_REVEAL_DAYS,
        )
    return ReviewState(
        engagement=engagement,
        side=side,
        reviews=visible,
        mine=mine,
        other_in=(rules.other_side(side) in all_sides) if side != STAFF else len(all_sides) > 0,
        reveal_at=rules.reveal_deadline(approved, settings.STINT_REVIEW_REVEAL_DAYS),
        refusal=refusal,
        skills=required_skills(engagement),
        verified=dict(engagement.verified_skills.values_list("skill_id", "level")),
        follow_ups=list(engagement.follow_ups.order_by("-created_at")),
        credential=Credential.objects.filter(engagement=engagement).first(),
    )


def required_skills(engagement: Engagement) -> list[dict[str, Any]]:
    return [
        {"id": s.skill_id, "label": s.label, "need": s.need, "level": s.level}
        for s in engagement.opportunity.skills.all()
    ]
