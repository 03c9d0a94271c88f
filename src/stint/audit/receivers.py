"""Changes made on the Django admin site do not go through our services; Django
writes a LogEntry for each, and this copies it into the audit log. It watches
only Django's own model, so no app's policy hides here."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import LogEntry
from django.db.models.signals import post_save
from django.dispatch import receiver

from stint.audit.services import record

_VERBS = {1: "added", 2: "changed", 3: "deleted"}


@receiver(post_save, sender=LogEntry)
def _admin_site_change(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    record(
        actor=instance.user,
        action=f"admin.{_VERBS.get(instance.action_flag, 'other')}",
        target=(
            instance.content_type.model if instance.content_type else "unknown",
            instance.object_id or "",
        ),
        after={"repr": instance.object_repr[:200], "change": instance.get_change_message()[:500]},
    )
