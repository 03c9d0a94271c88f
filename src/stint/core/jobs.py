"""Periodic jobs survive one bad row: each row is tried on its own, and a row
that fails unexpectedly is logged and counted (metric
`stint_job_row_failures_total{job=…}`) while the sweep goes on to the next."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from stint.core import metrics

log = logging.getLogger("stint.jobs")


@contextmanager
def each_row(job: str, row_id: object) -> Iterator[None]:
    """`with each_row("engagements.fund_pending", pk): ...` inside a sweep's loop."""
    try:
        yield
    except Exception:  # one bad row must not stop every other row's retry
        log.exception("Periodic job %s failed on row %s; continuing", job, row_id)
        metrics.inc("stint_job_row_failures_total", job=job)
