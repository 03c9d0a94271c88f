"""The same task code on both task backends: django-tasks-db rows run by
`manage.py db_worker --batch`, and Redis/RQ jobs run by an RQ SimpleWorker in burst
mode. And what happens when Redis does not answer at enqueue time."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from stint.accounts.models import User
from stint.core import metrics
from stint.core.tasks import enqueue_on_commit
from stint.notifications.models import Notification
from stint.notifications.tasks import send_notification_email
from stint.ops.backends import TaskBackendUnavailable
from tests.ops.conftest import (
    CLOSED_PORT_URL,
    DB_TASKS,
    MANAGE,
    REDIS_TEST_URL,
    redis_answers,
    subprocess_env,
)

QUEUE = "stint-ops-test"


def _notification(user: User, title: str = "Your offer was accepted") -> Notification:
    return Notification.objects.create(user=user, kind="offer.accepted", title=title)


def _mail_files(folder: Path) -> list[str]:
    return [p.read_text() for p in sorted(folder.glob("*.log"))]


def _rq_settings(settings: Any, url: str, fallback: str) -> None:
    settings.RQ_QUEUES = {QUEUE: {"URL": url}, "default": {"URL": url}}
    settings.TASKS = {
        "default": {
            "BACKEND": "stint.ops.backends.ResilientRQBackend",
            "QUEUES": [QUEUE],
            "OPTIONS": {"FALLBACK": fallback},
        },
        **(
            {"database": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": [QUEUE]}}
            if fallback
            else {}
        ),
    }


# --- (a) database backend: a real db_worker process --------------------------------------


@pytest.mark.django_db(transaction=True)
def test_database_backend_runs_the_task_in_db_worker(settings: Any, alice: User, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = DB_TASKS
    n = _notification(alice)
    result = send_notification_email.enqueue(n.pk)
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "READY"
    assert row.task_path == "stint.notifications.tasks.send_notification_email"

    outbox = tmp_path / "mail"
    done = subprocess.run(
        [*MANAGE, "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0"],
        env=subprocess_env(EMAIL_URL=f"file://{outbox}"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    row.refresh_from_db()
    n.refresh_from_db()
    assert row.status == "SUCCESSFUL", row.traceback
    assert n.emailed_at is not None
    sent = _mail_files(outbox)
    assert len(sent) == 1 and "Your offer was accepted" in sent[0]


# --- (b) RQ backend: a SimpleWorker in burst mode against 127.0.0.1:6379 --------------------


@pytest.fixture
def rq_queue(settings: Any) -> Any:
    if not redis_answers(REDIS_TEST_URL):
        pytest.skip(f"Redis does not answer at {REDIS_TEST_URL}: the RQ backend test needs it")
    import django_rq
    from django_tasks_rq.backend import Job

    _rq_settings(settings, REDIS_TEST_URL, fallback="")
    queue = django_rq.get_queue(QUEUE, job_class=Job)
    queue.empty()
    yield queue
    queue.empty()


@pytest.mark.django_db
def test_rq_backend_runs_the_same_task_in_a_simpleworker(rq_queue: Any, alice: User) -> None:
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    n = _notification(alice)
    task = send_notification_email.using(queue_name=QUEUE)
    result = task.enqueue(n.pk)
    assert rq_queue.count == 1
    assert Notification.objects.get(pk=n.pk).emailed_at is None

    worker = SimpleWorker([rq_queue], connection=rq_queue.connection, job_class=Job)
    assert worker.work(burst=True)

    n.refresh_from_db()
    assert n.emailed_at is not None
    assert len(mail.outbox) == 1 and mail.outbox[0].subject.endswith("Your offer was accepted")
    assert task.get_result(result.id).status == "SUCCESSFUL"
    assert rq_queue.count == 0
    # Idempotent on RQ too: a second delivery sends nothing.
    task.enqueue(n.pk)
    SimpleWorker([rq_queue], connection=rq_queue.connection, job_class=Job).work(burst=True)
    assert len(mail.outbox) == 1


# --- Redis unavailable at enqueue time ------------------------------------------------------


@pytest.mark.django_db
def test_redis_down_degrades_to_the_database_backend(settings: Any, alice: User) -> None:
    """Documented choice (OPS_TASKS_FALLBACK=database, the default): the task is
    written to the database backend and counted; a db_worker drains it."""
    _rq_settings(settings, CLOSED_PORT_URL, fallback="database")
    metrics.reset()
    n = _notification(alice)
    result = send_notification_email.using(queue_name=QUEUE).enqueue(n.pk)
    assert result.backend == "database"
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.backend_name == "database" and row.status == "READY"
    assert row.args_kwargs["args"] == [n.pk]
    counted = [
        line
        for line in metrics.render().splitlines()
        if line.startswith(
            'stint_tasks_enqueue_fallback_total{task="stint.notifications.tasks.send_notification_email"'
        )
    ]
    assert len(counted) == 1 and float(counted[0].rsplit(" ", 1)[1]) == 1


@pytest.mark.django_db
def test_redis_down_without_fallback_raises_a_clear_error(settings: Any, alice: User) -> None:
    _rq_settings(settings, CLOSED_PORT_URL, fallback="")
    n = _notification(alice)
    with pytest.raises(TaskBackendUnavailable) as caught:
        send_notification_email.using(queue_name=QUEUE).enqueue(n.pk)
    text = str(caught.value)
    assert "redis://127.0.0.1:1/0" in text
    assert "did not answer" in text
    assert "send_notification_email" in text and "NOT enqueued" in text
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_redis_down_after_commit_keeps_the_request_and_the_task(
    settings: Any, alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    """The path every service takes: enqueue_on_commit. The write commits, the task lands
    in the database backend."""
    _rq_settings(settings, CLOSED_PORT_URL, fallback="database")
    with django_capture_on_commit_callbacks(execute=True):
        n = _notification(alice)
        enqueue_on_commit(send_notification_email.using(queue_name=QUEUE), n.pk)
    assert DBTaskResult.objects.filter(backend_name="database").count() == 1


def test_rq_settings_wire_the_resilient_backend() -> None:
    code = (
        "from django.conf import settings; t = settings.TASKS; "
        "print(t['default']['BACKEND'], t['default']['OPTIONS']['FALLBACK'], sorted(t))"
    )
    out = subprocess.run(
        [*MANAGE, "shell", "--verbosity", "0", "-c", code],
        env=subprocess_env(TASKS_BACKEND="rq"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[:2] == ["stint.ops.backends.ResilientRQBackend", "database"]
    assert "'database'" in out.stdout
    none = subprocess.run(
        [*MANAGE, "shell", "--verbosity", "0", "-c", code],
        env=subprocess_env(TASKS_BACKEND="rq", OPS_TASKS_FALLBACK="none"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert none.returncode == 0, none.stderr
    assert "'database'" not in none.stdout
