from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from rich.console import Console
from rich.table import Table

from stint.demo.world import DEMO_PASSWORD, build_world


class Command(BaseCommand):
    help = "Build (or refresh) the demo world. Safe to run again: nothing is duplicated."

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(stderr=False)
        with console.status("Building the demo world…"):
            world = build_world()
        table = Table(title=f"Demo logins (password for all: {DEMO_PASSWORD})")
        table.add_column("email")
        table.add_column("role")
        table.add_column("what to try")
        for login in world.logins:
            table.add_row(login.email, login.role, login.note)
        console.print(table)
        m = world.market
        console.print(
            f"Marketplace: {m.profiles} candidate profiles, {m.published} published "
            f"opportunities, {m.drafts} drafts, {m.applications} applications "
            f"({m.created} rows added by this run)."
        )
