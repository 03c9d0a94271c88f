from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from stint.privacy.services import retention_purge


class Command(BaseCommand):
    help = "Remove exports, audit entries, reports, documents and notifications past retention."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = retention_purge()
        for name, n in counts.items():
            self.stdout.write(f"{name}: {n}")
