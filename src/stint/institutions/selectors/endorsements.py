"""Opportunities exclusive to or endorsed by an institution, and who endorsed what."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from stint.accounts.models import User
from stint.institutions.models import Endorsement
from stint.institutions.selectors.access import access_institution
from stint.opportunities.models import Opportunity, OpportunityStatus, Visibility
from stint.opportunities.selectors import visible_to_institution_q
from stint.orgs.models import Organisation


def endorsable_q(institution: Organisation) -> Q:
    """Opportunities the institution's students may see (one rule, with programs)."""
    return visible_to_institution_q(institution.pk)


@dataclass
class OpportunityRow:
    opportunity: Opportunity
    exclusive: bool
    endorsement: Endorsement | None


def institution_opportunities(
    *, actor: User, institution_id: int
) -> tuple[Organisation, list[OpportunityRow]]:
    """Published opportunities exclusive to, or endorsed by, the institution: for its
    verified students and its staff. Promoted endorsements come first."""
    access = access_institution(actor=actor, institution_id=institution_id)
    inst = access.institution
    through = Opportunity.allowed_institutions.through
    exclusive_ids = set(
        through.objects.filter(
            organisation=inst,
            opportunity__visibility=Visibility.INSTITUTIONS,
            opportunity__status=OpportunityStatus.PUBLISHED,
        ).values_list("opportunity_id", flat=True)
    )
    endorsements = {
        e.opportunity_id: e
        for e in Endorsement.objects.filter(
            institution=inst, opportunity__status=OpportunityStatus.PUBLISHED
        ).filter(opportunity__in=Opportunity.objects.filter(endorsable_q(inst)))
    }
    opportunities = (
        Opportunity.objects.filter(pk__in=exclusive_ids | set(endorsements))
        .select_related("employer")
        .prefetch_related("skills")
    )
    rows = [
        OpportunityRow(
            opportunity=o, exclusive=o.pk in exclusive_ids, endorsement=endorsements.get(o.pk)
        )
        for o in opportunities
    ]
    rows.sort(
        key=lambda r: (
            not (r.endorsement and r.endorsement.promoted),
            r.endorsement is None,
            -(r.opportunity.published_at.timestamp() if r.opportunity.published_at else 0),
        )
    )
    return inst, rows


def endorsement_candidates(institution: Organisation, limit: int = 20) -> list[Opportunity]:
    """Recently published opportunities the staff could endorse and have not."""
    return list(
        Opportunity.objects.filter(endorsable_q(institution), status=OpportunityStatus.PUBLISHED)
        .exclude(endorsements__institution=institution)
        .select_related("employer")
        .order_by("-published_at", "-pk")[:limit]
    )


def endorsements_for(user: User, opportunity: Opportunity) -> list[Endorsement]:
    """Endorsements of an opportunity by institutions the viewer is a student or staff of."""
    if not user.is_authenticated:
        return []
    mine = Q(institution__affiliations__user=user) | Q(institution__memberships__user=user)
    return list(
        Endorsement.objects.filter(mine, opportunity=opportunity)
        .select_related("institution")
        .distinct()
        .order_by("-promoted", "institution__name")
    )
