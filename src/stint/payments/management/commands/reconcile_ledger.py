"""`manage.py reconcile_ledger`: prove the ledger is balanced and agrees with the
provider; exit 1 with a report of every mismatch."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import Progress

from stint.payments.reconcile import STEPS, Report


class Command(BaseCommand):
    help = "Check the payments ledger: balanced transactions, balances, and the provider's records."

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=self.stdout, force_terminal=False, width=120)
        report = Report()
        with Progress(console=console, transient=True) as progress:
            bar = progress.add_task("Reconciling", total=len(STEPS))
            for name, step in STEPS:
                progress.update(bar, description=name)
                step(report)
                progress.advance(bar)
        for what, n in report.checked.items():
            console.print(f"checked {n} {what}")
        for note in report.notes:
            console.print(f"note: {note}")
        if not report.ok:
            for problem in report.problems:
                console.print(f"MISMATCH: {problem}")
            raise CommandError(f"The ledger does not reconcile: {len(report.problems)} problem(s).")
        console.print("The ledger reconciles: every check passed.")
