"""Helpers for the operations tests: subprocesses (workers, scripts) pointed at the
test database, and probes for PostgreSQL and Redis."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
MANAGE = [sys.executable, str(ROOT / "manage.py")]
REDIS_TEST_URL = "redis://127.0.0.1:6379/15"
CLOSED_PORT_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def database_url() -> str:
    """A DATABASE_URL for the database this test runs on (the test database)."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] or "postgres"
    if s.get("PASSWORD"):
        auth += f":{s['PASSWORD']}"
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def subprocess_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url(),
            "STINT_VAR_DIR": str(django_settings.VAR_DIR),
            "TASKS_BACKEND": "database",
            "STINT_INDEX_BUILD": "sync",
            "DEBUG": "false",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def redis_answers(url: str = REDIS_TEST_URL) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


def port_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def db_tasks(settings: Any) -> None:
    """Tasks go to django-tasks-db rows (instead of the suite's inline backend)."""
    settings.TASKS = DB_TASKS


def skip_unless_postgres() -> None:
    if not is_postgres():
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://... (CI's PostgreSQL pass)")
