"""Follow-up offers each side sees, fetching one with the actor's side, and the employer's follow-
up rate the engine reads."""

from __future__ import annotations

from stint.accounts.models import User
from stint.core.errors import NotFound
from stint.matching.engine import employer_stats_for
from stint.orgs.models import Membership, Organisation
from stint.reviews import rules
from stint.reviews.models import FollowUpOffer
from stint.reviews.selectors.access import is_member
from stint_engine.scoring.model import EmployerStats


def follow_ups_for(user: User) -> dict[str, list[FollowUpOffer]]:
    """Follow-up offers the user received (as a candidate) and their teams sent."""
    org_ids = Membership.objects.filter(user=user).values_list("organisation_id", flat=True)
    base = FollowUpOffer.objects.select_related("employer", "candidate", "engagement").order_by(
        "-created_at"
    )
    return {
        "received": list(base.filter(candidate=user)),
        "sent": list(base.filter(employer_id__in=list(org_ids))),
    }


def access_follow_up(
    *, actor: User, follow_up_id: int, for_update: bool = False
) -> tuple[FollowUpOffer, str]:
    qs = FollowUpOffer.objects.select_related("employer", "candidate", "engagement")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    offer = qs.filter(pk=follow_up_id).first()
    if offer is None or not actor.is_authenticated:
        raise NotFound("No such follow-up offer.")
    if offer.candidate_id == actor.pk:
        return offer, rules.CANDIDATE
    if is_member(actor, offer.employer_id):
        return offer, rules.EMPLOYER
    raise NotFound("No such follow-up offer.")


def employer_stats(org: Organisation | int) -> EmployerStats:
    """The engine's growth-potential input: the share of an employer's completed
    engagements followed by a follow-up offer (withdrawn ones do not count).
    The rule lives in the matching adapter, which the index also uses."""
    org_id = org if isinstance(org, int) else org.pk
    return employer_stats_for([org_id])[org_id]
