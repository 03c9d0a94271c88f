from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from stint.accounts.models import User
from stint.notifications.kinds import KINDS
from stint.notifications.models import Notification, NotificationPreference


def notifications_for(user: User, *, limit: int = 100) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")[:limit]


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
    """Every known kind with the user's choice (both on unless turned off)."""
    saved = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    rows = []
    for kind, label in KINDS.items():
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
