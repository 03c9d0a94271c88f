"""`manage.py scheduler`: enqueue every periodic job once per period.

Run one beside the workers (systemd unit `stint-scheduler`), or several for
redundancy: a database claim per (job, period) keeps each job to one run per
period. `--once` does a single tick, for cron (`* * * * * manage.py scheduler --once`).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from stint.ops.schedule import JOBS
from stint.ops.scheduler import run_once, worker_name

log = logging.getLogger("stint.ops.scheduler")


class Command(BaseCommand):
    help = "Enqueue each periodic job once per period (safe to run on many hosts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="One tick, then exit (cron).")
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="Seconds between ticks (default OPS_SCHEDULER_INTERVAL, 30).",
        )
        parser.add_argument("--list", action="store_true", help="Print the jobs and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for job in JOBS:
                self.stdout.write(f"{job.name:36} every {job.every:>6}s  {job.task}")
            return
        worker = worker_name()
        if options["once"]:
            done = run_once(worker=worker)
            self.stdout.write(f"enqueued: {', '.join(done) or 'nothing due'}")
            return
        interval = options["interval"] or getattr(settings, "OPS_SCHEDULER_INTERVAL", 30)
        stop = threading.Event()

        def _stop(signum: int, frame: object) -> None:
            log.info("scheduler %s: %s received, stopping", worker, signal.strsignal(signum))
            stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        log.info("scheduler %s: %d jobs, tick every %ss", worker, len(JOBS), interval)
        while not stop.is_set():
            close_old_connections()
            started = time.monotonic()
            try:
                run_once(worker=worker)
            except Exception:  # e.g. the database restarting: try again next tick
                log.exception("scheduler %s: tick failed", worker)
            close_old_connections()
            stop.wait(max(0.0, interval - (time.monotonic() - started)))
