"""Index upkeep through the tasks API: services enqueue these after commit;
they only append to the change log, so they are cheap and idempotent in effect
(applying a change twice leaves an index the same)."""

from __future__ import annotations

from django_tasks import task

from stint.matching.models import IndexChange


@task()
def opportunity_changed(opportunity_id: int) -> None:
    IndexChange.objects.create(kind=IndexChange.Kind.OPPORTUNITY, object_id=opportunity_id)


@task()
def candidate_changed(user_id: int) -> None:
    IndexChange.objects.create(kind=IndexChange.Kind.CANDIDATE, object_id=user_id)


@task()
def prune_changes() -> int:
    """Forget change-log rows older than OPS_INDEX_CHANGE_DAYS (scheduled daily)."""
    from stint.matching.indexes import prune_changes as prune

    return prune()
