"""An engagement and the actor's side in it, fetched and authorised in one call: outsiders get
NotFound, the other party Forbidden where a side is demanded."""

from __future__ import annotations

from datetime import datetime

from stint.accounts.models import User
from stint.core.errors import Forbidden, NotFound
from stint.engagements.models import Engagement
from stint.orgs.models import Membership
from stint.reviews import rules

STAFF = "staff"


def is_member(user: User, organisation_id: int) -> bool:
    return bool(
        user.is_authenticated
        and Membership.objects.filter(user=user, organisation_id=organisation_id).exists()
    )


def side_of(user: User, engagement: Engagement) -> str | None:
    """The side `user` stands on in this engagement, if any."""
    if not user.is_authenticated:
        return None
    if engagement.candidate_id == user.pk:
        return rules.CANDIDATE
    if is_member(user, engagement.employer_id):
        return rules.EMPLOYER
    return None


def access_engagement(
    *, actor: User, engagement_id: int, for_update: bool = False, side: str | None = None
) -> tuple[Engagement, str]:
    """The engagement and the actor's side ("candidate", "employer", or "staff" for a
    platform admin who is neither). `side=` demands that side: outsiders get NotFound,
    the other party Forbidden."""
    qs = Engagement.objects.select_related("employer", "candidate", "opportunity")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    engagement = qs.filter(pk=engagement_id).first()
    if engagement is None or not actor.is_authenticated:
        raise NotFound("No such engagement.")
    mine = side_of(actor, engagement)
    if mine is None:
        if not actor.is_staff:
            raise NotFound("No such engagement.")
        mine = STAFF
    if side is not None and mine != side:
        raise Forbidden(
            "Only the employer's team can do this."
            if side == rules.EMPLOYER
            else "Only the candidate can do this."
        )
    return engagement, mine


def approval_time(engagement: Engagement) -> datetime:
    return rules.approval_time(engagement.approved_at, engagement.paid_at, engagement.updated_at)


def access_party_engagement(
    *, actor: User, engagement_id: int, for_update: bool = False, side: str | None = None
) -> tuple[Engagement, str]:
    """An engagement and the actor's side (candidate or employer); anyone else,
    platform admins included, gets NotFound: goals, feedback, reflections and
    references are between the two parties."""
    engagement, mine = access_engagement(
        actor=actor, engagement_id=engagement_id, for_update=for_update
    )
    if mine not in (rules.CANDIDATE, rules.EMPLOYER):
        raise NotFound("No such engagement.")
    if side is not None and mine != side:
        raise Forbidden(
            "Only the employer's team can do this."
            if side == rules.EMPLOYER
            else "Only the candidate can do this."
        )
    return engagement, mine
