"""gunicorn settings for Stint's web unit (deploy/stint-web.service passes `-c` this file).

Metrics: each worker writes its figures under PROMETHEUS_MULTIPROC_DIR (the unit
empties it before start); when a worker exits its live gauges are dropped so a
scrape sums only the processes that exist. Counters and histograms of dead workers
stay counted, as Prometheus expects of counters.
"""

from __future__ import annotations

from typing import Any


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
