"""Task queue depth and age, read at scrape time for /metrics."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db.models import Count, Min

log = logging.getLogger(__name__)

Sample = tuple[str, str, str, dict[str, str], float]


def _database_samples() -> list[Sample]:
    from django_tasks_db.models import DBTaskResult

    out: list[Sample] = []
    now = time.time()
    rows = (
        DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])
        .values("status", "queue_name", "backend_name")
        .annotate(n=Count("id"), oldest=Min("enqueued_at"))
    )
    for row in rows:
        labels = {"backend": row["backend_name"], "queue": row["queue_name"]}
        if row["status"] == "READY":
            out.append(
                (
                    "stint_task_queue_depth",
                    "gauge",
                    "Tasks waiting to run.",
                    labels,
                    float(row["n"]),
                )
            )
            out.append(
                (
                    "stint_task_queue_oldest_age_seconds",
                    "gauge",
                    "Age of the oldest task waiting to run.",
                    labels,
                    max(0.0, now - row["oldest"].timestamp()),
                )
            )
        else:
            out.append(
                (
                    "stint_task_running",
                    "gauge",
                    "Tasks claimed by a worker.",
                    labels,
                    float(row["n"]),
                )
            )
    return out


def _rq_samples(alias: str, queues: list[str]) -> list[Sample]:
    import django_rq

    out: list[Sample] = []
    for name in queues:
        queue = django_rq.get_queue(name)
        labels = {"backend": alias, "queue": name}
        out.append(
            ("stint_task_queue_depth", "gauge", "Tasks waiting to run.", labels, float(queue.count))
        )
        ids = queue.get_job_ids(0, 0)
        job = queue.fetch_job(ids[0]) if ids else None
        age = 0.0
        if job is not None and job.enqueued_at is not None:
            age = max(0.0, time.time() - job.enqueued_at.timestamp())
        out.append(
            (
                "stint_task_queue_oldest_age_seconds",
                "gauge",
                "Age of the oldest task waiting to run.",
                labels,
                age,
            )
        )
    return out


def queue_samples() -> list[Sample]:
    out: list[Sample] = []
    db_seen = False
    for alias, conf in getattr(settings, "TASKS", {}).items():
        backend = conf.get("BACKEND", "")
        try:
            if "django_tasks_db" in backend and not db_seen:
                db_seen = True
                out.extend(_database_samples())
            elif "RQBackend" in backend:
                out.extend(_rq_samples(alias, list(conf.get("QUEUES", ["default"]))))
        except Exception as exc:  # a scrape must answer even when a queue does not
            log.warning("metrics: reading the %s queue failed: %s", alias, exc)
            out.append(
                (
                    "stint_task_queue_up",
                    "gauge",
                    "1 when the task queue could be read.",
                    {"backend": alias},
                    0.0,
                )
            )
    return out
