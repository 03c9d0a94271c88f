"""References between the two parties of an engagement: fetching one with the actor's side, each
person's lists, those on a portfolio and their live share links."""

from __future__ import annotations

from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import Forbidden, NotFound
from stint.orgs.models import Membership
from stint.reviews import rules
from stint.reviews.models import Reference, ReferenceShare, ReferenceStatus, ReferenceVisibility
from stint.reviews.selectors.access import is_member


def access_reference(
    *, actor: User, reference_id: int, for_update: bool = False, side: str | None = None
) -> tuple[Reference, str]:
    """The candidate and the employer's members see a reference; nobody else."""
    qs = Reference.objects.select_related("engagement", "employer", "candidate", "author")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    ref = qs.filter(pk=reference_id).first()
    if ref is None or not actor.is_authenticated:
        raise NotFound("No such reference.")
    if ref.candidate_id == actor.pk:
        mine = rules.CANDIDATE
    elif is_member(actor, ref.employer_id):
        mine = rules.EMPLOYER
    else:
        raise NotFound("No such reference.")
    if side is not None and mine != side:
        raise Forbidden(
            "Only the employer's team can do this."
            if side == rules.EMPLOYER
            else "Only the candidate can do this."
        )
    return ref, mine


def references_for(user: User) -> dict[str, list[Reference]]:
    """The candidate's references, and those waiting on the employers the user belongs to."""
    orgs = Membership.objects.filter(user=user).values_list("organisation_id", flat=True)
    base = Reference.objects.select_related("engagement", "employer", "candidate")
    return {
        "mine": list(base.filter(candidate=user)),
        "to_write": list(base.filter(employer_id__in=orgs, status=ReferenceStatus.REQUESTED)),
        "written": list(base.filter(employer_id__in=orgs).exclude(status="requested")),
    }


def public_references(user: User) -> list[Reference]:
    """Written references the candidate put on their portfolio."""
    return list(
        Reference.objects.filter(
            candidate=user,
            status=ReferenceStatus.WRITTEN,
            visibility=ReferenceVisibility.PORTFOLIO,
        ).select_related("employer", "engagement")
    )


def live_shares(reference: Reference) -> list[ReferenceShare]:
    now = timezone.now()
    return [s for s in reference.shares.all() if s.revoked_at is None and s.expires_at > now]
