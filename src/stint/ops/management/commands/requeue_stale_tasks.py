from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from stint.ops.recovery import requeue_stale_tasks


class Command(BaseCommand):
    help = (
        "Put database tasks left RUNNING by a dead worker back to READY (or FAILED after N tries)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--minutes",
            type=float,
            default=None,
            help="RUNNING for longer than this counts as stale (default OPS_STALE_TASK_MINUTES).",
        )
        parser.add_argument(
            "--max-attempts",
            type=int,
            default=None,
            help="Mark FAILED instead once a task was claimed this many times "
            "(default OPS_TASK_MAX_ATTEMPTS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        minutes = options["minutes"]
        if minutes is None:
            minutes = getattr(settings, "OPS_STALE_TASK_MINUTES", 30)
        out = requeue_stale_tasks(
            older_than=timedelta(minutes=minutes), max_attempts=options["max_attempts"]
        )
        self.stdout.write(f"requeued {out['requeued']}, failed {out['failed']}")
