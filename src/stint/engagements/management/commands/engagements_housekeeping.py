from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from stint.engagements import services


class Command(BaseCommand):
    help = "Fund escrow left unfunded, remind employers of waiting reviews and auto-approve overdue ones (run it from cron)."

    def handle(self, *args: Any, **options: Any) -> None:
        funded = services.engagements_fund_pending()
        result = services.engagements_auto_approve_due()
        self.stdout.write(
            f"{funded} funded, {result['reminded']} reminders sent, {result['approved']} approved."
        )
