"""Background work for engagements: thin wrappers, each one service call.

The periodic ones are scheduled in stint/ops/schedule.py; each is idempotent.
"""

from __future__ import annotations

from django_tasks import task

from stint.engagements import services


@task()
def engagement_open_from_offer(offer_id: int) -> int | None:
    """Enqueued when an offer is accepted: create the engagement and fund escrow."""
    engagement = services.engagement_open_from_offer(offer_id=offer_id)
    return engagement.pk if engagement else None


@task()
def auto_approve_due() -> dict[str, int]:
    """Remind employers of submissions waiting for review, then approve and pay
    those left unanswered for STINT_AUTO_APPROVE_DAYS."""
    return services.engagements_auto_approve_due()


@task()
def fund_pending() -> int:
    """Retry funding escrow for engagements whose first attempt failed."""
    return services.engagements_fund_pending()
