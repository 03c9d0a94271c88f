"""Telling people what happened: one call, `notify`, used by every app.

The in-app notification is written in the caller's transaction; the email is
sent by a task after commit, only if the user's preference for that kind allows.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import DomainError, NotFound
from stint.core.tasks import enqueue_on_commit
from stint.notifications.kinds import KINDS
from stint.notifications.models import Notification, NotificationPreference


def preference_for(user: User, kind: str) -> tuple[bool, bool]:
    """(in_app, email) for this user and kind; both on unless the user turned them off."""
    pref = NotificationPreference.objects.filter(user=user, kind=kind).first()
    return (pref.in_app, pref.email) if pref else (True, True)


@transaction.atomic
def notify(
    *, user: User, kind: str, title: str, body: str = "", url: str = ""
) -> Notification | None:
    in_app, email = preference_for(user, kind)
    if not in_app and not email:
        return None
    notification = Notification.objects.create(
        user=user,
        kind=kind,
        title=title[:200],
        body=body,
        url=url,
        # A notification the user asked not to see in the app is stored as read, for the record.
        read_at=None if in_app else timezone.now(),
    )
    if email:
        from stint.notifications.tasks import send_notification_email

        enqueue_on_commit(send_notification_email, notification.pk)
    return notification


@transaction.atomic
def notification_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one notification (or all, with no id) read; returns how many changed."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        if not Notification.objects.filter(user=user, pk=notification_id).exists():
            raise NotFound("No such notification.")
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


@transaction.atomic
def preference_set(*, user: User, kind: str, in_app: bool, email: bool) -> NotificationPreference:
    if kind not in KINDS:
        raise DomainError("unknown_kind", f"There is no notification kind {kind!r}.", "kind")
    pref, _ = NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"in_app": in_app, "email": email}
    )
    return pref


@transaction.atomic
def preferences_set(
    *, user: User, choices: list[tuple[str, bool, bool]]
) -> list[NotificationPreference]:
    """Save several (kind, in_app, email) choices at once: all or nothing."""
    return [
        preference_set(user=user, kind=kind, in_app=in_app, email=email)
        for kind, in_app, email in choices
    ]
