"""No ghosting: applications the employer left unanswered, or whose opportunity ended, are
closed with a kind, specific note."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from stint.applications import rules
from stint.applications.models import OPEN_STATUSES, Application, ApplicationStatus
from stint.applications.services.common import _auto_decline
from stint.opportunities.models import Opportunity, OpportunityStatus


@transaction.atomic
def application_auto_decline_if_stale(*, application_id: int) -> bool:
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("opportunity", "opportunity__employer", "candidate")
        .filter(pk=application_id)
        .first()
    )
    days = settings.STINT_AUTO_DECLINE_DAYS
    if application is None or not rules.is_stale(
        status=application.status,
        last_employer_move=application.updated_at,
        now=timezone.now(),
        days=days,
    ):
        return False
    _auto_decline(application, reason="stale", days=days)
    return True


def applications_auto_decline_stale() -> int:
    """Decline applications the employer left unanswered (submitted, or shortlisted
    without an offer) for STINT_AUTO_DECLINE_DAYS, and every open application of
    opportunities that are no longer published. Returns how many were closed."""
    cutoff = timezone.now() - timedelta(days=settings.STINT_AUTO_DECLINE_DAYS)
    stale = Application.objects.filter(
        status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.SHORTLISTED],
        updated_at__lte=cutoff,
        opportunity__status=OpportunityStatus.PUBLISHED,
    ).values_list("pk", flat=True)
    count = sum(application_auto_decline_if_stale(application_id=pk) for pk in list(stale))
    ended = (
        Application.objects.filter(status__in=OPEN_STATUSES)
        .exclude(opportunity__status=OpportunityStatus.PUBLISHED)
        .values_list("opportunity_id", flat=True)
        .distinct()
    )
    for opportunity_id in list(ended):
        count += applications_close_for_opportunity(opportunity_id=opportunity_id)
    return count


@transaction.atomic
def applications_close_for_opportunity(*, opportunity_id: int) -> int:
    """The opportunity was closed, filled or archived: close every open application
    with a kind, specific note. The opportunities app calls this (through the app
    registry or the `close_applications_for_opportunity` task) when it closes one."""
    opportunity = (
        Opportunity.objects.select_for_update(of=("self",))
        .select_related("employer")
        .filter(pk=opportunity_id)
        .first()
    )
    if opportunity is None or opportunity.status == OpportunityStatus.PUBLISHED:
        return 0
    reason = "filled" if opportunity.status == OpportunityStatus.FILLED else "closed"
    pending = list(
        Application.objects.select_for_update(of=("self",))
        .select_related("candidate")
        .filter(opportunity=opportunity, status__in=OPEN_STATUSES)
        .order_by("pk")
    )
    for application in pending:
        application.opportunity = opportunity
        _auto_decline(application, reason=reason)
    return len(pending)
