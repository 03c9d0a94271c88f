from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from stint.applications import services


class Command(BaseCommand):
    help = "Expire overdue offers and close applications left unanswered (run it from cron)."

    def handle(self, *args: Any, **options: Any) -> None:
        expired = services.offers_expire_due()
        closed = services.applications_auto_decline_stale()
        self.stdout.write(f"{expired} offers expired, {closed} applications closed.")
