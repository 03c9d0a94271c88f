from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone


class ScheduledRun(models.Model):
    """One periodic job for one period, claimed by exactly one scheduler.

    Every scheduler process tries to insert (job, period_start); the unique
    constraint lets one of them win, so a job runs once per period however many
    schedulers are running.
    """

    job = models.CharField(max_length=80)
    period_start = models.DateTimeField()
    claimed_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=120, blank=True)
    task_result_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["-period_start", "job"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["job", "period_start"], name="ops_run_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.job}@{self.period_start.isoformat()}"
