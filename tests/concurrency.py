"""Races with real threads, for the row-lock tests that run on PostgreSQL.

`race(a, b, ...)` starts every call at the same moment (a barrier) in its own thread
and returns each call's result or the exception it raised, in order. Each thread
has its own database connection (Django's are per thread), closed when it ends.
A thread still running after the timeout fails the test: a deadlock must not
pass as a slow test.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

# Long enough for a lock wait on a busy machine, short enough to name a deadlock.
TIMEOUT_SECONDS = 60


def race(*calls: Callable[[], Any], timeout: float = TIMEOUT_SECONDS) -> list[Any]:
    """Run the calls at the same moment in threads; each result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    assert not any(t.is_alive() for t in threads), "a thread hung (deadlock?)"
    return results


@pytest.fixture
def needs_postgres() -> None:
    """Skip on SQLite, which serialises writers, so a row-lock race cannot happen there."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "row-lock races need PostgreSQL (SQLite serialises writers); "
            "CI runs these with DATABASE_URL=postgres://…"
        )
