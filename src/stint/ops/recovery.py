"""Tasks a dead worker left behind.

django-tasks-db (0.13) claims a row by setting it RUNNING and committing, then
runs the task outside any lock. If the worker process dies (SIGKILL, OOM, host
reboot) the row stays RUNNING forever: nothing in the library retries it. This
module puts such rows back to READY once they have been RUNNING longer than
OPS_STALE_TASK_MINUTES (pick it above your longest task), or marks them FAILED
after OPS_TASK_MAX_ATTEMPTS claims. Re-running is safe because every Stint task
is idempotent.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

log = logging.getLogger(__name__)

READY = "READY"
RUNNING = "RUNNING"
FAILED = "FAILED"


def requeue_stale_tasks(
    *, older_than: timedelta | None = None, max_attempts: int | None = None
) -> dict[str, int]:
    """Returns {"requeued": n, "failed": m}."""
    if older_than is None:
        older_than = timedelta(minutes=getattr(settings, "OPS_STALE_TASK_MINUTES", 30))
    if max_attempts is None:
        max_attempts = getattr(settings, "OPS_TASK_MAX_ATTEMPTS", 3)
    now = timezone.now()
    cutoff = now - older_than
    requeued = failed = 0
    with transaction.atomic():
        rows = list(
            DBTaskResult.objects.select_for_update(skip_locked=True)
            .filter(status=RUNNING, started_at__lt=cutoff)
            .order_by("started_at")[:500]
        )
        for row in rows:
            attempts = len(row.worker_ids or [])
            if attempts >= max_attempts:
                row.status = FAILED
                row.finished_at = now
                row.exception_class_path = "stint.ops.recovery.WorkerLost"
                row.traceback = (
                    f"The worker(s) {row.worker_ids} stopped while running this task "
                    f"{attempts} time(s); it is not retried again."
                )
                row.save(
                    update_fields=["status", "finished_at", "exception_class_path", "traceback"]
                )
                failed += 1
                log.error(
                    "task %s (%s) failed: worker lost %d times", row.pk, row.task_path, attempts
                )
            else:
                row.status = READY
                row.started_at = None
                row.save(update_fields=["status", "started_at"])
                requeued += 1
                log.warning(
                    "task %s (%s) was RUNNING since before %s: requeued (attempt %d)",
                    row.pk,
                    row.task_path,
                    cutoff.isoformat(),
                    attempts + 1,
                )
    return {"requeued": requeued, "failed": failed}
