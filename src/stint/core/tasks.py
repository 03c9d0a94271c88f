"""Side effects after commit: one helper through which every task is enqueued.

Tasks take ids, are idempotent and wrap one service call, so a retry or a
rolled-back request never leaves half a side effect behind.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Enqueue `task` (a django-tasks Task) once the surrounding transaction commits."""

    def _enqueue() -> None:
        task.enqueue(*args, **kwargs)

    transaction.on_commit(_enqueue, robust=True)
