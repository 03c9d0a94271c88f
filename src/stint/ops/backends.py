"""The RQ task backend, with a defined behaviour when Redis does not answer.

`ResilientRQBackend` is `django_tasks_rq.RQBackend` plus one decision, set by
OPS_TASKS_FALLBACK (settings.py wires it when TASKS_BACKEND=rq):

- "database" (default): the task is written to the database backend (alias
  `database`) instead, a warning is logged and
  `stint_tasks_enqueue_fallback_total` counts it. Run a `db_worker --backend
  database` beside the RQ workers to drain them (the systemd unit in deploy/
  does). Nothing is lost while Redis is down.
- "none": enqueue raises `TaskBackendUnavailable` naming the Redis URL and the
  task. Note `enqueue_on_commit` is robust (it logs and swallows the error after
  commit), so the side effect is then lost: choose this only if you prefer loud
  failure to a second queue.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django_tasks_rq import RQBackend
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from stint.core import metrics

log = logging.getLogger(__name__)


class TaskBackendUnavailable(RuntimeError):
    """Redis did not answer and no fallback backend is configured."""


def _redis_url(queue_name: str) -> str:
    conf = getattr(settings, "RQ_QUEUES", {}).get(queue_name, {})
    url = str(conf.get("URL") or getattr(settings, "REDIS_URL", ""))
    # Never print a password that may sit in the URL.
    if "@" in url:
        scheme, _, rest = url.partition("://")
        url = f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


class ResilientRQBackend(RQBackend):
    def __init__(self, alias: str, params: dict) -> None:
        super().__init__(alias, params)
        self.fallback: str = self.options.get("FALLBACK", "") or ""

    def enqueue(self, task: Any, args: Any, kwargs: Any) -> Any:
        try:
            return super().enqueue(task, args, kwargs)
        except (RedisConnectionError, RedisTimeoutError, ConnectionError) as exc:
            if not self.fallback:
                raise TaskBackendUnavailable(
                    f"Redis at {_redis_url(task.queue_name)} did not answer ({exc}); task "
                    f"{task.module_path} was NOT enqueued. Start Redis, or set "
                    "OPS_TASKS_FALLBACK=database to queue tasks in the database meanwhile."
                ) from exc
            metrics.inc("stint_tasks_enqueue_fallback_total", task=task.module_path)
            log.warning(
                "Redis at %s did not answer (%s): task %s queued on the %r backend instead",
                _redis_url(task.queue_name),
                exc,
                task.module_path,
                self.fallback,
            )
            return task.using(backend=self.fallback).enqueue(*args, **kwargs)
