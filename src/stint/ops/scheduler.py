"""Enqueue each periodic job once per period, however many schedulers run.

A scheduler claims (job, period_start) by inserting a `ScheduledRun` row; the
unique constraint lets exactly one insert win. The claim and the enqueue share
one transaction: on the database backend the task row commits with the claim
(both or neither); on RQ a failed enqueue rolls the claim back so the next tick
(or another scheduler) tries again.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from stint.ops.models import ScheduledRun
from stint.ops.schedule import JOBS, Job

log = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def claim(job: Job, period_start: datetime, *, worker: str = "") -> ScheduledRun | None:
    """Insert the claim row; None when someone else holds this job's period already."""
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(
                job=job.name, period_start=period_start, claimed_by=worker or worker_name()
            )
    except IntegrityError:
        return None


def run_job(job: Job, *, now: datetime | None = None, worker: str = "") -> ScheduledRun | None:
    """Claim this job's current period and enqueue its task; None if not ours to run."""
    now = now or timezone.now()
    try:
        task = job.resolve()
    except ImportError as exc:
        log.warning(
            "scheduler: job %s skipped, task %s not importable: %s", job.name, job.task, exc
        )
        return None
    period_start = job.period_start(now)
    with transaction.atomic():
        run = claim(job, period_start, worker=worker)
        if run is None:
            return None
        result = task.enqueue()
        run.task_result_id = str(result.id)[:64]
        run.save(update_fields=["task_result_id"])
    log.info(
        "scheduler: enqueued %s for period %s (task result %s)",
        job.name,
        period_start.isoformat(),
        run.task_result_id,
    )
    return run


def run_once(
    *, now: datetime | None = None, worker: str = "", jobs: Iterable[Job] | None = None
) -> list[str]:
    """One tick: every due job not yet claimed for its period is enqueued.
    Returns the names of the jobs this scheduler enqueued."""
    enqueued = []
    for job in JOBS if jobs is None else jobs:
        try:
            if run_job(job, now=now, worker=worker) is not None:
                enqueued.append(job.name)
        except Exception:
            # One broken job (or Redis down with no fallback) must not stop the others.
            log.exception("scheduler: job %s failed to enqueue; retried next tick", job.name)
    return enqueued
