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
