from __future__ import annotations

from django_tasks import task

from stint.api import idempotency


@task()
def prune_idempotency_keys() -> int:
    """Forget `Idempotency-Key`s older than a day (scheduled daily)."""
    return idempotency.prune()
