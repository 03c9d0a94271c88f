"""Background work for applications: thin wrappers, each one service call.

The periodic ones are scheduled in stint/ops/schedule.py; each is idempotent.
"""

from __future__ import annotations

from django_tasks import task

from stint.applications import services


@task()
def auto_decline_stale() -> int:
    """No ghosting: close applications left unanswered for STINT_AUTO_DECLINE_DAYS,
    and every open application of an opportunity that is no longer published."""
    return services.applications_auto_decline_stale()


@task()
def expire_offers() -> int:
    """Offers past their deadline become `offer_expired`."""
    return services.offers_expire_due()


@task()
def close_applications_for_opportunity(opportunity_id: int) -> int:
    """For the opportunities app: enqueue this (after commit) when it closes,
    fills or archives an opportunity."""
    return services.applications_close_for_opportunity(opportunity_id=opportunity_id)
