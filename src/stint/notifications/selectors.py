from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from stint.accounts.models import User
from stint.notifications.kinds import KINDS, kinds_for
from stint.notifications.models import Notification, NotificationPreference


def notifications_for(user: User) -> QuerySet[Notification]:
    """Newest first, every one (callers page them with `core.paging.page_of`)."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


@dataclass(frozen=True)
class PreferenceRow:
    kind: str
    label: str
    in_app: bool
    email: bool


def preferences_of(user: User) -> list[PreferenceRow]:
    """Every kind this user can receive, with their choice (both on unless turned off)."""
    saved = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    rows = []
    for kind in kinds_for(user.roles):
        label = KINDS[kind]
        p = saved.get(kind)
        rows.append(
            PreferenceRow(
                kind=kind,
                label=label,
                in_app=p.in_app if p else True,
                email=p.email if p else True,
            )
        )
    return rows
