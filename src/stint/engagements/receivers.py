"""The one receiver: when an offer is accepted, a task opens the engagement and
funds escrow (the service holds the rule; see docs/decisions/0004)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from stint.applications.signals import offer_accepted


@receiver(offer_accepted)
def open_engagement_on_accept(sender: Any, offer_id: int, **kwargs: Any) -> None:
    from stint.engagements.tasks import engagement_open_from_offer

    engagement_open_from_offer.enqueue(offer_id)
