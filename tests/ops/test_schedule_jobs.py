"""Every periodic job names a real task the scheduler can enqueue, and the daily
housekeeping (retention purge, expired sessions) is among them and does its work."""

from __future__ import annotations

import inspect
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks.base import Task

from stint.accounts.models import User
from stint.notifications.models import Notification
from stint.ops.schedule import DAY, JOBS, Job, job_named


@pytest.mark.parametrize("job", JOBS, ids=lambda j: j.name)
def test_every_job_names_a_task_that_exists_and_takes_no_arguments(job: Job) -> None:
    task = job.resolve()  # an ImportError here is a job the scheduler would skip
    assert isinstance(task, Task), f"{job.task} is not a django_tasks task"
    assert callable(task.func)
    assert task.module_path == job.task  # the dotted path is where the task lives
    required = [
        p
        for p in inspect.signature(task.func).parameters.values()
        if p.default is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    assert required == [], f"{job.name} needs arguments the scheduler never passes"


def test_the_retention_purge_and_session_cleanup_run_daily() -> None:
    tasks = {job.task: job for job in JOBS}
    assert tasks["stint.privacy.tasks.purge_expired"].every == DAY
    assert tasks["stint.ops.tasks.clear_expired_sessions"].every == DAY
    assert job_named("privacy.purge").task == "stint.privacy.tasks.purge_expired"
    assert job_named("sessions.clear_expired").task == "stint.ops.tasks.clear_expired_sessions"


@pytest.mark.django_db
def test_session_cleanup_deletes_only_expired_sessions() -> None:
    live = SessionStore()
    live["n"] = 1
    live.create()
    old = SessionStore()
    old["n"] = 2
    old.create()
    Session.objects.filter(session_key=old.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    job_named("sessions.clear_expired").resolve().call()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


@pytest.mark.django_db
def test_the_purge_task_removes_what_outlived_its_retention(alice: User) -> None:
    now = timezone.now()
    keep_days = settings.STINT_RETENTION_DAYS_NOTIFICATIONS
    old = Notification.objects.create(
        user=alice, kind="t", title="old", read_at=now - timedelta(days=keep_days + 1)
    )
    recent = Notification.objects.create(user=alice, kind="t", title="recent", read_at=now)
    unread = Notification.objects.create(
        user=alice, kind="t", title="unread", created_at=now - timedelta(days=keep_days + 1)
    )
    counts = job_named("privacy.purge").resolve().call()
    assert counts["notifications"] == 1
    remaining = set(Notification.objects.values_list("pk", flat=True))
    assert old.pk not in remaining and {recent.pk, unread.pk} <= remaining
