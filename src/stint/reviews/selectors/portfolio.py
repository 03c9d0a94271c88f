"""A candidate's public portfolio page: completed engagements, verified skills, reputation and live
credentials."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from stint.accounts.models import User
from stint.core.errors import NotFound
from stint.engagements.models import Engagement
from stint.reviews import rules
from stint.reviews.models import Credential, Portfolio, VerifiedSkill
from stint.reviews.selectors.reputation import ReputationView, candidate_reputation


def verified_skills_of(user: User) -> QuerySet[VerifiedSkill]:
    return VerifiedSkill.objects.filter(candidate=user).select_related(
        "engagement", "engagement__employer"
    )


@dataclass
class PortfolioView:
    portfolio: Portfolio
    owner: User
    is_owner: bool
    engagements: list[Engagement]
    verified: list[VerifiedSkill]
    reputation: ReputationView
    credentials: dict[int, Credential]


def portfolio_page(*, viewer: User, slug: str) -> PortfolioView:
    """A portfolio by its slug: everyone when public, only its owner otherwise (404)."""
    portfolio = Portfolio.objects.select_related("user").filter(slug=slug).first()
    is_owner = bool(portfolio and viewer.is_authenticated and portfolio.user_id == viewer.pk)
    if portfolio is None or not (portfolio.public or is_owner):
        raise NotFound("No such portfolio.")
    owner = portfolio.user
    engagements = list(
        Engagement.objects.filter(candidate=owner, status__in=rules.COMPLETED)
        .select_related("employer")
        .order_by("-paid_at", "-created_at")
    )
    return PortfolioView(
        portfolio=portfolio,
        owner=owner,
        is_owner=is_owner,
        engagements=engagements,
        verified=list(verified_skills_of(owner).order_by("label")),
        reputation=candidate_reputation(owner),
        credentials={
            c.engagement_id: c
            for c in Credential.objects.filter(engagement__in=engagements, revoked_at__isnull=True)
        },
    )
