"""One scheduler entry point: each periodic job is enqueued once per period, however
many schedulers run at once."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from stint.ops.models import ScheduledRun
from stint.ops.schedule import HOUR, JOBS, Job, job_named
from stint.ops.scheduler import claim, run_job, run_once
from tests.ops.conftest import CLOSED_PORT_URL, skip_unless_postgres

NOW = datetime(2026, 3, 2, 10, 17, 42, tzinfo=UTC)
PING = Job("test.ping", "stint.ops.tasks.requeue_stale_tasks", HOUR)


def _importable() -> list[Job]:
    out = []
    for job in JOBS:
        try:
            job.resolve()
        except ImportError:
            continue
        out.append(job)
    return out


def test_registry_names_real_tasks_by_dotted_path() -> None:
    names = [j.name for j in JOBS]
    assert len(names) == len(set(names))
    for job in JOBS:
        assert job.every >= 60
        assert job.task.startswith("stint.")
        # Every task the issue lists as needing a schedule is there.
    tasks = {j.task for j in JOBS}
    for path in (
        "stint.applications.tasks.auto_decline_stale",
        "stint.applications.tasks.expire_offers",
        "stint.opportunities.tasks.notify_saved_searches",
        "stint.engagements.tasks.auto_approve_due",
        "stint.ops.tasks.matching_snapshot",
        "stint.programs.tasks.refresh_credit_records",
        "stint.privacy.tasks.purge_expired",
        "stint.ops.tasks.clear_expired_sessions",
        "stint.ops.tasks.requeue_stale_tasks",
    ):
        assert path in tasks
    assert _importable(), "no scheduled task imports"


def test_period_start_is_aligned_and_shared() -> None:
    job = job_named("applications.expire_offers")
    assert job.period_start(NOW) == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert job.period_start(NOW + timedelta(minutes=40)) == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert job.period_start(NOW + timedelta(minutes=43)) == datetime(2026, 3, 2, 11, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_claim_twice_only_the_first_wins() -> None:
    start = PING.period_start(NOW)
    first = claim(PING, start, worker="a")
    second = claim(PING, start, worker="b")
    assert first is not None and first.claimed_by == "a"
    assert second is None
    assert ScheduledRun.objects.count() == 1
    assert claim(PING, start + timedelta(hours=1), worker="b") is not None


@pytest.mark.django_db
def test_each_job_is_enqueued_once_per_period(db_tasks: None) -> None:
    jobs = _importable()
    first = run_once(now=NOW, worker="a")
    assert sorted(first) == sorted(j.name for j in jobs)
    assert run_once(now=NOW + timedelta(seconds=30), worker="b") == []
    per_task = Counter(DBTaskResult.objects.values_list("task_path", flat=True))
    assert per_task == Counter(j.task for j in jobs)
    for run in ScheduledRun.objects.all():
        assert DBTaskResult.objects.filter(pk=run.task_result_id).exists()
    # The next hour: the hourly jobs again (and the 5/15-minute ones), not the daily one.
    later = run_once(now=NOW + timedelta(hours=1), worker="b")
    assert "applications.expire_offers" in later
    assert "ops.prune" not in later


@pytest.mark.django_db
def test_a_job_whose_task_does_not_exist_is_skipped_without_a_claim(db_tasks: None) -> None:
    ghost = Job("ghost", "stint.nowhere.tasks.nothing", HOUR)
    assert run_once(now=NOW, jobs=[ghost]) == []
    assert not ScheduledRun.objects.exists()


@pytest.mark.django_db
def test_a_failed_enqueue_gives_the_claim_back(settings: Any) -> None:
    """Redis down with no fallback: no claim is kept, so the next tick retries."""
    settings.RQ_QUEUES = {"default": {"URL": CLOSED_PORT_URL}}
    settings.TASKS = {
        "default": {
            "BACKEND": "stint.ops.backends.ResilientRQBackend",
            "OPTIONS": {"FALLBACK": ""},
        }
    }
    assert run_once(now=NOW, jobs=[PING]) == []
    assert not ScheduledRun.objects.exists()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert run_once(now=NOW, jobs=[PING]) == ["test.ping"]


@pytest.mark.django_db
def test_scheduler_command_once_and_list(db_tasks: None, capsys: Any) -> None:
    call_command("scheduler", "--list")
    assert "applications.expire_offers" in capsys.readouterr().out
    call_command("scheduler", "--once")
    assert "enqueued:" in capsys.readouterr().out
    assert ScheduledRun.objects.count() == len(_importable())
    call_command("scheduler", "--once")
    assert "nothing due" in capsys.readouterr().out


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_schedulers_enqueue_each_job_once(db_tasks: None) -> None:
    skip_unless_postgres()
    jobs = _importable()
    n = 8
    barrier = threading.Barrier(n)
    results: list[list[str]] = [[] for _ in range(n)]
    errors: list[BaseException] = []

    def scheduler(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            for tick in range(3):  # several ticks inside the same periods
                results[i].extend(
                    run_once(now=NOW + timedelta(seconds=tick), worker=f"scheduler-{i}")
                )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    claimed = Counter(name for r in results for name in r)
    assert claimed == Counter(j.name for j in jobs), claimed
    assert ScheduledRun.objects.count() == len(jobs)
    per_task = Counter(DBTaskResult.objects.values_list("task_path", flat=True))
    assert per_task == Counter(j.task for j in jobs)
    assert len({r.claimed_by for r in ScheduledRun.objects.all()}) >= 1


@pytest.mark.django_db
def test_run_job_returns_the_claim(db_tasks: None) -> None:
    run = run_job(PING, now=NOW, worker="x")
    assert run is not None and run.task_result_id
    assert run_job(PING, now=NOW, worker="y") is None
