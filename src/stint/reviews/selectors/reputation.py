"""Reputation: the visible reviews that count toward a candidate or an employer, their averages and
the skill ratings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import NotFound
from stint.matching.engine import taxonomy
from stint.orgs.models import Organisation, OrgKind
from stint.orgs.selectors import access_organisation
from stint.reviews import rules
from stint.reviews.models import Review


def _visible_received(q: Q, side: str) -> QuerySet[Review]:
    return (
        Review.objects.filter(q, side=side, visible_at__lte=timezone.now())
        .select_related("engagement", "engagement__employer", "engagement__candidate")
        .order_by("-created_at")
    )


def candidate_received(user: User) -> QuerySet[Review]:
    """Visible reviews employers wrote about this candidate: all that count toward them."""
    return _visible_received(Q(engagement__candidate=user), rules.EMPLOYER)


def employer_received(org: Organisation) -> QuerySet[Review]:
    return _visible_received(Q(engagement__employer=org), rules.CANDIDATE)


@dataclass
class ReputationView:
    side: str  # the side that wrote the reviews
    subject: str
    reputation: rules.Reputation
    reviews: list[Review]
    skill_averages: list[dict[str, Any]] = field(default_factory=list)


def _skill_averages(reviews: list[Review]) -> list[dict[str, Any]]:
    sums: dict[str, list[int]] = {}
    for r in reviews:
        for skill_id, value in (r.skill_ratings or {}).items():
            sums.setdefault(skill_id, []).append(int(value))
    out = []
    for skill_id, values in sums.items():
        try:
            label = taxonomy().skill(skill_id).label
        except KeyError:
            label = skill_id
        out.append(
            {
                "id": skill_id,
                "label": label,
                "average": round(sum(values) / len(values), 2),
                "count": len(values),
            }
        )
    return sorted(out, key=lambda s: (-s["count"], s["label"]))


def candidate_reputation(user: User) -> ReputationView:
    reviews = list(candidate_received(user))
    return ReputationView(
        side=rules.EMPLOYER,
        subject=user.display_name,
        reputation=rules.reputation(rules.EMPLOYER, [r.ratings for r in reviews]),
        reviews=reviews,
        skill_averages=_skill_averages(reviews),
    )


def employer_reputation(*, actor: User | None, org: Organisation) -> ReputationView:
    reviews = list(employer_received(org))
    return ReputationView(
        side=rules.CANDIDATE,
        subject=org.name,
        reputation=rules.reputation(rules.CANDIDATE, [r.ratings for r in reviews]),
        reviews=reviews,
    )


def access_employer(*, actor: User, organisation_id: int) -> Organisation:
    org, _ = access_organisation(actor=actor, organisation_id=organisation_id)
    if org.kind != OrgKind.EMPLOYER:
        raise NotFound("No such employer.")
    return org
