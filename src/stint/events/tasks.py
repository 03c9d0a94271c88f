"""Thin task wrappers: each takes ids and calls one idempotent service."""

from __future__ import annotations

from django_tasks import task

from stint.events import services


@task()
def event_fan_out(event_id: int) -> None:
    for delivery_id in services.event_fan_out(event_id=event_id):
        delivery_send.enqueue(delivery_id)


@task()
def delivery_send(delivery_id: int) -> None:
    services.delivery_attempt(delivery_id=delivery_id)


@task()
def deliveries_retry_due() -> int:
    """The periodic sweep (ops/schedule.py): attempt every delivery whose retry is due."""
    sent = 0
    for delivery_id in services.deliveries_due():
        if services.delivery_attempt(delivery_id=delivery_id) is not None:
            sent += 1
    return sent


@task()
def events_prune() -> int:
    """Daily: forget events older than STINT_EVENT_RETENTION_DAYS."""
    return services.events_prune()
