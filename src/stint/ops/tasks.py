"""Periodic housekeeping run by the scheduler (see stint/ops/schedule.py).
Each task is an idempotent sweep and takes no arguments."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task


@task()
def requeue_stale_tasks() -> dict[str, int]:
    from stint.ops.recovery import requeue_stale_tasks as sweep

    return sweep()


@task()
def matching_snapshot() -> str:
    """Build (or load and catch up) this worker's indexes, then write a snapshot that
    web processes load at start instead of building from scratch."""
    snapshot_write = import_string("stint.matching.indexes.snapshot_write")
    written = str(snapshot_write())
    # The job ranker's title vectors for every published posting, into the shared cache,
    # so a visitor's first recommendation does not wait for the encoder (issue 18).
    from stint.matching import title_store
    from stint.opportunities.models import Opportunity

    titles = Opportunity.objects.filter(status="published").values_list("title", flat=True)
    title_store.warm(titles.distinct())
    return written


@task()
def clear_expired_sessions() -> None:
    """`manage.py clearsessions`, daily: delete sessions past their expiry."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()


@task()
def prune_history() -> dict[str, int]:
    from django_tasks_db.models import DBTaskResult

    from stint.ops.models import ScheduledRun

    cutoff = timezone.now() - timedelta(days=getattr(settings, "OPS_HISTORY_DAYS", 30))
    tasks, _ = DBTaskResult.objects.filter(
        status__in=["SUCCESSFUL", "FAILED"], finished_at__lt=cutoff
    ).delete()
    runs, _ = ScheduledRun.objects.filter(period_start__lt=cutoff).delete()
    return {"task_results": tasks, "scheduled_runs": runs}


@task()
def ping(value: str) -> str:
    """A no-op for checking that a worker answers (`manage.py shell`, tests)."""
    return value
