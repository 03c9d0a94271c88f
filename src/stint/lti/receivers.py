"""The one receiver: a paid (or reviewed) engagement's grade goes to its courses
at once, by a task (the service holds the rule; see docs/decisions/0004)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from stint.events.signals import event_committed

GRADED_KINDS = frozenset({"engagement.paid", "review.received"})


@receiver(event_committed)
def send_grades_now(sender: Any, event: Any, **kwargs: Any) -> None:
    if event.kind not in GRADED_KINDS:
        return
    engagement_id = (event.data or {}).get("engagement_id")
    if engagement_id is None:
        return
    from stint.lti.tasks import grades_send_for

    grades_send_for.enqueue(int(engagement_id))
