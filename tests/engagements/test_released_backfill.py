"""The data migration gives open milestone engagements approved before the fix what
their approved milestones released (issue 15 item 15)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from stint.engagements.models import Engagement, Milestone

pytestmark = pytest.mark.django_db

backfill = importlib.import_module(
    "stint.engagements.migrations.0004_backfill_released_minor"
).backfill


def test_open_milestone_engagements_get_what_was_released(engagement: Engagement) -> None:
    from django.utils import timezone

    Engagement.objects.filter(pk=engagement.pk).update(
        by_milestone=True, started_at=timezone.now(), status="in_progress", released_minor=None
    )
    Milestone.objects.filter(engagement=engagement).delete()
    for position, (amount, status) in enumerate(
        [(4000, "approved"), (3000, "approved"), (3000, "pending")], start=1
    ):
        done = timezone.now() if status == "approved" else None
        Milestone.objects.create(
            engagement=engagement,
            position=position,
            title=f"Part {position}",
            amount_minor=amount,
            status=status,
            submitted_at=done,
            approved_at=done,
            released_at=done,
        )
    backfill(apps, None)
    engagement.refresh_from_db()
    assert engagement.released_minor == 7000
