"""With PROMETHEUS_MULTIPROC_DIR, a scrape of any one process sums the figures of
every process (gunicorn workers), keeping Stint's metric names."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

RECORD = """
from stint.core import metrics
metrics.inc("stint_payment_failures_total", provider="sandbox", operation="payout")
metrics.observe("stint_matching_seconds", 0.02, operation="recommendations")
"""
SCRAPE = """
from stint.core import metrics
metrics.register_collector(lambda: [("stint_task_queue_depth", "gauge", "Tasks waiting.",
                                     {"queue": "default"}, 3.0)])
print(metrics.render())
"""


def _python(code: str, folder: Path) -> str:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def test_a_scrape_sums_every_worker(tmp_path: Path) -> None:
    for _worker in range(3):
        _python(RECORD, tmp_path)
    assert len(list(tmp_path.glob("*.db"))) >= 3  # one file per process
    body = _python(SCRAPE, tmp_path)
    lines = body.splitlines()

    def value(prefix: str) -> float:
        row = next(line for line in lines if line.startswith(prefix))
        return float(row.rsplit(" ", 1)[1])

    assert value('stint_payment_failures_total{operation="payout",provider="sandbox"}') == 3
    assert value('stint_matching_seconds_count{operation="recommendations"}') == 3
    assert value('stint_matching_seconds_bucket{le="0.025",operation="recommendations"}') == 3
    assert value('stint_task_queue_depth{queue="default"}') == 3
    assert "pid=" not in body


def test_without_the_folder_a_process_reports_its_own(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    done = subprocess.run(
        [sys.executable, "-c", RECORD + "print(metrics.render())"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert 'stint_payment_failures_total{operation="payout",provider="sandbox"} 1.0' in done.stdout
    assert not list(tmp_path.iterdir())
