"""What each side sees of applications: a candidate's list, an employer's ranked applicants,
an application's details and offers, who acts next, invites, and an employer's response rate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import F, QuerySet
from django.utils import timezone

from stint.accounts.models import User
from stint.applications import rules
from stint.applications.models import (
    OPEN_STATUSES,
    Application,
    ApplicationStatus,
    ApplyInvite,
    Offer,
    OfferStatus,
)
from stint.applications.selectors.access import side_of
from stint.applications.selectors.common import _unread_subquery
from stint.core.money import Money
from stint.opportunities.models import Opportunity
from stint.orgs.models import Organisation
from stint.payments.services import funding_amount_for

# The window within which an employer's first decision counts as "a response".
RESPONSE_WINDOW_DAYS = 7


def public_portfolio_slug(user: User) -> str | None:
    """The slug of the user's portfolio when it is public. Read through the
    reverse relation `user.portfolio` (reviews sits above applications)."""
    portfolio = getattr(user, "portfolio", None)
    return portfolio.slug if portfolio is not None and portfolio.public else None


def open_application_count(user: User) -> int:
    return Application.objects.filter(candidate=user, status__in=OPEN_STATUSES).count()


def applications_of_candidate(user: User) -> QuerySet[Application]:
    return (
        Application.objects.filter(candidate=user)
        .select_related("opportunity", "opportunity__employer")
        .prefetch_related("offers")
        .annotate(unread=_unread_subquery(user))
        .order_by("-updated_at", "-pk")
    )


def applicants_ranked(opportunity: Opportunity) -> QuerySet[Application]:
    """Applicants, best fit first (the score and explanation stored at apply time).
    One function on purpose: the lead may swap in the engine's index here."""
    return (
        Application.objects.filter(opportunity=opportunity)
        .select_related("candidate")
        .order_by(F("fit_score").desc(nulls_last=True), "created_at", "pk")
    )


def applications_detail(application: Application) -> dict[str, object]:
    return {
        "answers": list(
            application.answers.select_related("question").order_by("question__position")
        ),
        "offers": list(application.offers.all()),
    }


def live_offer(application: Application) -> Offer | None:
    return application.offers.filter(status=OfferStatus.PENDING).first()


@dataclass(frozen=True)
class OfferCharge:
    """What the employer is charged into escrow when the candidate accepts."""

    fee: Money
    platform_fee: Money
    total: Money


def offer_charge(fee_minor: int, currency: str) -> OfferCharge:
    fee = Money(fee_minor, currency)
    total = funding_amount_for(fee)
    return OfferCharge(fee=fee, platform_fee=total - fee, total=total)


def next_step_for(user: User, application: Application) -> str:
    """The sentence telling this party who must act next (rules.next_step)."""
    side = side_of(user, application) or "candidate"
    latest = application.offers.order_by("-created_at", "-pk").first()
    return rules.next_step(
        side=side,
        status=application.status,
        offer_status=latest.status if latest else None,
        employer=application.opportunity.employer.name,
        candidate=application.candidate.display_name,
        countered=bool(
            latest and latest.status == OfferStatus.PENDING and latest.counter_fee_minor
        ),
    )


def invites_of(opportunity: Opportunity) -> QuerySet[ApplyInvite]:
    return opportunity.apply_invites.select_related("candidate").order_by("-created_at")


def employer_response_stats(
    org: Organisation, *, window_days: int = RESPONSE_WINDOW_DAYS, now: datetime | None = None
) -> rules.ResponseStats:
    """Response rate (share of applications with a first employer decision within
    `window_days`) and median time to that decision, over the employer's
    applications. Withdrawn-before-answer applications are left out."""
    samples = (
        Application.objects.filter(opportunity__employer=org)
        .exclude(status=ApplicationStatus.WITHDRAWN, first_response_at__isnull=True)
        .values_list("created_at", "first_response_at")
    )
    return rules.response_stats(samples, now=now or timezone.now(), window_days=window_days)


def engagement_id_of(offer: Offer) -> int | None:
    """The engagement an accepted offer became. Read through the reverse
    relation by name: engagements sit above applications in the layer order."""
    try:
        return int(offer.engagement.pk)  # type: ignore[attr-defined]
    except ObjectDoesNotExist:
        return None
