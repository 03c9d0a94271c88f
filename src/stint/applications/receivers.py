"""The one receiver: when an opportunity closes, its open applications are
answered by a task (the service holds the rule; see docs/decisions/0004)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from stint.opportunities.signals import opportunity_closed


@receiver(opportunity_closed)
def close_pending_applications(sender: Any, opportunity_id: int, **kwargs: Any) -> None:
    from stint.applications.tasks import close_applications_for_opportunity

    close_applications_for_opportunity.enqueue(opportunity_id)
