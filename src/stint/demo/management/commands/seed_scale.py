from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from stint.demo.scale import counts, seed_scale


class Command(BaseCommand):
    help = (
        "Generate scale data for load tests: published opportunities and candidates with "
        "ESCO skill mixes. Safe to run again: it only tops up to the numbers given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--opportunities", type=int, default=100_000)
        parser.add_argument("--candidates", type=int, default=100_000)

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console()
        want_opps, want_cands = options["opportunities"], options["candidates"]
        have_opps, have_cands = counts()
        started = time.perf_counter()
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=not console.is_terminal,
        ) as bar:
            tasks = {
                "opportunities": bar.add_task("opportunities", total=max(want_opps - have_opps, 0)),
                "candidates": bar.add_task("candidates", total=max(want_cands - have_cands, 0)),
            }
            result = seed_scale(
                opportunities=want_opps,
                candidates=want_cands,
                progress=lambda what, n: bar.advance(tasks[what], n),
            )
        console.print(
            f"Scale data: {result.opportunities_total} opportunities "
            f"(+{result.opportunities_created}), {result.candidates_total} candidates "
            f"(+{result.candidates_created}) in {time.perf_counter() - started:.1f}s."
        )
