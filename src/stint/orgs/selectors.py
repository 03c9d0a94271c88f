from __future__ import annotations

from django.db.models import Count, QuerySet

from stint.accounts.models import User
from stint.core.errors import Forbidden, NotFound
from stint.orgs import rules
from stint.orgs.models import Affiliation, Invitation, Membership, Organisation


def organisations_for(user: User) -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(memberships__user=user)
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("name")
    )


def membership_of(user: User, organisation: Organisation) -> Membership | None:
    return Membership.objects.filter(user=user, organisation=organisation).first()


def access_organisation(
    *, actor: User, organisation_id: int, manage: bool = False, for_update: bool = False
) -> tuple[Organisation, Membership | None]:
    """Fetch an organisation the actor may see (members and platform admins),
    and with `manage=True` may change (owners and admins). Outsiders get
    NotFound so that ids do not reveal which organisations exist."""
    qs = Organisation.objects.all()
    if for_update:
        qs = qs.select_for_update()
    org = qs.filter(pk=organisation_id).first()
    if org is None or not actor.is_authenticated:
        raise NotFound("No such organisation.")
    membership = membership_of(actor, org)
    if membership is None and not actor.is_staff:
        raise NotFound("No such organisation.")
    if manage and not (membership and rules.can_manage(membership.role)):
        raise Forbidden("Only the organisation's owners and admins may change it.")
    return org, membership


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("user__email")


def invitations_of(organisation: Organisation) -> QuerySet[Invitation]:
    return organisation.invitations.select_related("invited_by").order_by("-created_at")


def affiliations_of(user: User) -> QuerySet[Affiliation]:
    return Affiliation.objects.filter(user=user).select_related("institution")
