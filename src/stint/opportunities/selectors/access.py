"""Who may see an opportunity and who may change it: the visibility filters and
`access_opportunity`, the one way pages and the API fetch a posting."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from stint.accounts.models import User
from stint.core.errors import Forbidden, NotFound
from stint.opportunities.models import Opportunity, OpportunityStatus, Visibility
from stint.orgs.models import Affiliation, Membership

# Statuses an outsider who may see the posting can still open (e.g. from a link).
PUBLICLY_READABLE = (
    OpportunityStatus.PUBLISHED,
    OpportunityStatus.CLOSED,
    OpportunityStatus.FILLED,
)


def _member_org_ids(user: User) -> QuerySet[Membership, Any]:
    return Membership.objects.filter(user=user).values("organisation_id")


def is_member(user: User, organisation_id: int) -> bool:
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, organisation_id=organisation_id).exists()
    )


def visible_to_institution_q(institution_id: int) -> Q:
    """Opportunities an institution's students may see: public ones, and the ones
    made exclusive to this institution. Endorsements and programs both use it."""
    through = Opportunity.allowed_institutions.through
    return Q(visibility=Visibility.PUBLIC) | Q(
        visibility=Visibility.INSTITUTIONS,
        pk__in=through.objects.filter(organisation_id=institution_id).values("opportunity_id"),
    )


def visible_q(user: User) -> Q:
    """Opportunities the user may see, whatever their status: public ones;
    institution-only ones for students affiliated with an allowed institution;
    invite-only ones for invited candidates; and all of their own employers'."""
    q = Q(visibility=Visibility.PUBLIC)
    if not user.is_authenticated:
        return q
    through = Opportunity.allowed_institutions.through
    institutions = Affiliation.objects.filter(user=user).values("institution_id")
    q |= Q(
        visibility=Visibility.INSTITUTIONS,
        pk__in=through.objects.filter(organisation_id__in=institutions).values("opportunity_id"),
    )
    # ApplyInvite lives in the applications app (a layer above): reach it by its relation.
    q |= Q(
        visibility=Visibility.INVITE_ONLY,
        pk__in=Opportunity.objects.filter(apply_invites__candidate=user).values("pk"),
    )
    q |= Q(employer_id__in=_member_org_ids(user))
    return q


def access_opportunity(
    *, actor: User, opportunity_id: int, manage: bool = False, for_update: bool = False
) -> Opportunity:
    """Fetch an opportunity the actor may see, and with `manage=True` may change
    (members of its employer). Anyone else gets NotFound so that drafts and
    restricted postings do not leak; platform admins may look but not change."""
    qs = Opportunity.objects.select_related("employer")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    opportunity = qs.filter(pk=opportunity_id).first()
    if opportunity is None:
        raise NotFound("No such opportunity.")
    if is_member(actor, opportunity.employer_id):
        return opportunity
    staff = actor.is_authenticated and actor.is_staff
    if manage:
        if staff:
            raise Forbidden("Only members of the employer may change its opportunities.")
        raise NotFound("No such opportunity.")
    if staff:
        return opportunity
    if (
        opportunity.status in PUBLICLY_READABLE
        and Opportunity.objects.filter(pk=opportunity.pk).filter(visible_q(actor)).exists()
    ):
        return opportunity
    raise NotFound("No such opportunity.")


def application_count(opportunity: Opportunity) -> int:
    return opportunity.applications.count()
