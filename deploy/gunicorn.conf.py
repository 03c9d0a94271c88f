"""gunicorn settings for Stint's web unit (deploy/stint-web.service and the container
image pass `-c` this file; `--bind` comes from them).

Workers and threads: WEB_CONCURRENCY (processes, gunicorn's own variable) and
STINT_WEB_THREADS. Each process holds its own matching indexes and text engine, so
memory, not CPU, usually bounds the process count (docs/deploy.md, "Worker settings").

Recycling: a new worker loads the text engine and the matching index snapshot again,
which costs far more than the slow growth measured without recycling, so workers are
replaced rarely (STINT_WEB_MAX_REQUESTS; 0 turns it off). Figures and the command that
measured them: docs/benchmarks.md, "A fresh web worker".

Metrics: each worker writes its figures under PROMETHEUS_MULTIPROC_DIR (the unit
empties it before start); when a worker exits its live gauges are dropped so a
scrape sums only the processes that exist. Counters and histograms of dead workers
stay counted, as Prometheus expects of counters.
"""

from __future__ import annotations

import os
from typing import Any

workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("STINT_WEB_THREADS", "2"))
timeout = 60
graceful_timeout = 30
max_requests = int(os.environ.get("STINT_WEB_MAX_REQUESTS", "50000"))
# Spread replacements so that workers never restart together.
max_requests_jitter = max_requests // 10


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
