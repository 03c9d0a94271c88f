"""Dashboards: a candidate's open applications and pending offers, and an employer's
postings with applicants waiting for a decision."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone

from stint.accounts.models import User
from stint.applications.models import (
    OPEN_STATUSES,
    Application,
    ApplicationStatus,
    Offer,
    OfferStatus,
)
from stint.applications.selectors.applications import open_application_count
from stint.opportunities.models import Opportunity
from stint.orgs.models import Membership, OrgKind


@dataclass
class CandidateDashboard:
    open_applications: list[Application] = field(default_factory=list)
    pending_offers: list[Offer] = field(default_factory=list)
    open_count: int = 0
    cap: int = 0


def dashboard_candidate(user: User) -> CandidateDashboard:
    apps = list(
        Application.objects.filter(candidate=user, status__in=OPEN_STATUSES)
        .select_related("opportunity", "opportunity__employer")
        .order_by("-updated_at")[:10]
    )
    offers = list(
        Offer.objects.filter(
            application__candidate=user,
            status=OfferStatus.PENDING,
            expires_at__gt=timezone.now(),
        )
        .select_related("application__opportunity", "application__opportunity__employer")
        .order_by("expires_at")
    )
    return CandidateDashboard(
        open_applications=apps,
        pending_offers=offers,
        open_count=open_application_count(user),
        cap=settings.STINT_OPEN_APPLICATION_CAP,
    )


@dataclass
class EmployerRow:
    opportunity: Opportunity
    waiting: int  # submitted, no decision yet
    oldest_waiting: datetime | None


def dashboard_employer(user: User) -> list[EmployerRow]:
    """Per opportunity of the user's employers: new applicants waiting for a decision."""
    org_ids = Membership.objects.filter(user=user, organisation__kind=OrgKind.EMPLOYER).values_list(
        "organisation_id", flat=True
    )
    opportunities = (
        Opportunity.objects.filter(employer_id__in=org_ids, status="published")
        .select_related("employer")
        .annotate(
            waiting=Count(
                "applications", filter=Q(applications__status=ApplicationStatus.SUBMITTED)
            ),
            oldest=Min(
                "applications__created_at",
                filter=Q(applications__status=ApplicationStatus.SUBMITTED),
            ),
        )
        .filter(waiting__gt=0)
        .order_by("-waiting")
    )
    return [
        EmployerRow(opportunity=o, waiting=o.waiting, oldest_waiting=o.oldest)
        for o in opportunities
    ]
