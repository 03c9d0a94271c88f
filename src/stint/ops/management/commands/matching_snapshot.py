from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from stint.matching.indexes import snapshot_write


class Command(BaseCommand):
    help = (
        "Write both matching indexes with their last change id under VAR_DIR/indexes/ "
        "(atomically); web processes load it at start, then catch up from the change log."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        path = snapshot_write()
        self.stdout.write(f"snapshot written: {path}")
