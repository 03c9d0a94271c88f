"""Faults: a worker killed mid-task, the database dropping connections during a burst
of writes, Redis unavailable (see test_backends.py for the enqueue path)."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from stint.accounts.models import User
from stint.accounts.services import api_token_create
from stint.notifications.models import Notification
from stint.notifications.tasks import send_notification_email
from stint.opportunities.models import SavedSearch
from stint.ops.recovery import requeue_stale_tasks
from tests.ops.conftest import DB_TASKS, MANAGE, database_url, skip_unless_postgres, subprocess_env
from tests.personas import make_user


class SilentSMTP:
    """Accepts connections and never says hello: a send_mail() into it blocks, so the
    worker is provably mid-task (inside the task's transaction) while we kill it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.port = self.sock.getsockname()[1]
        self.accepted = threading.Event()
        self.held: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)
            self.accepted.set()

    def close(self) -> None:
        for c in self.held:
            c.close()
        self.sock.close()


def _batch_worker(outbox: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MANAGE, "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0"],
        env=subprocess_env(EMAIL_URL=f"file://{outbox}"),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_task_is_retried_and_the_work_happens_once(
    settings: Any, alice: User, tmp_path: Path
) -> None:
    settings.TASKS = DB_TASKS
    n = Notification.objects.create(user=alice, kind="offer.made", title="You have an offer")
    result = send_notification_email.enqueue(n.pk)
    smtp = SilentSMTP()
    worker = subprocess.Popen(
        [*MANAGE, "db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.2"],
        env=subprocess_env(EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert smtp.accepted.wait(90), "the worker never reached the mail server"
        row = DBTaskResult.objects.get(pk=result.id)
        assert row.status == "RUNNING"
        worker.send_signal(signal.SIGKILL)
        worker.wait(30)
    finally:
        if worker.poll() is None:
            worker.kill()
        smtp.close()

    # Dead worker: the row is stuck RUNNING, nothing was sent, nothing recorded.
    row.refresh_from_db()
    n.refresh_from_db()
    assert row.status == "RUNNING" and n.emailed_at is None
    # Not stale yet under the configured threshold; stale with a zero threshold.
    assert requeue_stale_tasks() == {"requeued": 0, "failed": 0}
    assert requeue_stale_tasks(older_than=timedelta(0)) == {"requeued": 1, "failed": 0}

    outbox = tmp_path / "mail"
    done = _batch_worker(outbox)
    assert done.returncode == 0, done.stderr
    row.refresh_from_db()
    n.refresh_from_db()
    assert row.status == "SUCCESSFUL"
    assert len(row.worker_ids) == 2  # the killed attempt and the retry
    assert n.emailed_at is not None
    assert len(list(outbox.glob("*.log"))) == 1

    # Exactly once: a duplicate delivery (e.g. a second requeue) sends nothing more.
    send_notification_email.enqueue(n.pk)
    assert _batch_worker(outbox).returncode == 0
    assert len(list(outbox.glob("*.log"))) == 1


@pytest.mark.django_db
def test_a_task_lost_too_often_is_failed_not_retried_forever(settings: Any) -> None:
    settings.TASKS = DB_TASKS
    from stint.ops.tasks import ping

    result = ping.enqueue("x")
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING",
        worker_ids=["w1", "w2", "w3"],
        started_at=timezone.now() - timedelta(seconds=1),
    )
    assert requeue_stale_tasks(older_than=timedelta(0), max_attempts=3) == {
        "requeued": 0,
        "failed": 1,
    }
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "FAILED" and "WorkerLost" in row.exception_class_path


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_database_dropping_connections_fails_in_flight_requests_only(live_server: Any) -> None:
    """pg_terminate_backend on every connection, repeatedly, during a burst of API writes
    through a live server: some requests fail, every write that answered 201 is stored,
    and the site answers normally afterwards."""
    skip_unless_postgres()
    users = [make_user(f"burst{i}@example.com", candidate=True) for i in range(8)]
    tokens = [api_token_create(user=u, name="burst").secret for u in users]
    url = f"{live_server.url}/api/v1/saved-searches"
    outcomes: list[tuple[str, int]] = []
    lock = threading.Lock()

    def post(token: str, name: str) -> int:
        req = urllib.request.Request(
            url,
            data=json.dumps({"name": name, "notify": False}).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            return 0

    def client(i: int) -> None:
        for j in range(15):
            name = f"burst-{i}-{j}"
            status = post(tokens[i], name)
            with lock:
                outcomes.append((name, status))
            time.sleep(0.02)

    stop = threading.Event()
    kills = [0]

    def killer() -> None:
        admin = database_url().rsplit("/", 1)[0] + "/postgres"
        db = connection.settings_dict["NAME"]
        with psycopg.connect(admin, autocommit=True) as conn:
            while not stop.is_set():
                n = conn.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    [db],
                ).fetchone()
                kills[0] += n[0] if n else 0
                time.sleep(0.05)

    k = threading.Thread(target=killer)
    clients = [threading.Thread(target=client, args=(i,)) for i in range(len(users))]
    k.start()
    for t in clients:
        t.start()
    for t in clients:
        t.join(timeout=300)
    stop.set()
    k.join(timeout=30)
    connection.close()  # ours was terminated too

    ok = {name for name, status in outcomes if status == 201}
    failed = [(name, status) for name, status in outcomes if status != 201]
    stored = set(
        SavedSearch.objects.filter(name__startswith="burst-").values_list("name", flat=True)
    )
    assert len(outcomes) == 8 * 15
    assert kills[0] > 0
    assert ok, "no write succeeded at all"
    assert ok <= stored, f"lost writes: {sorted(ok - stored)}"
    assert all(status in (0, 500, 503) for _, status in failed), failed
    # Afterwards: every request succeeds again.
    assert post(tokens[0], "after-the-storm") == 201
    print(f"burst: {len(ok)} ok, {len(failed)} failed in flight, {kills[0]} backends terminated")
