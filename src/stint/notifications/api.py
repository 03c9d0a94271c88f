from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from stint.core.paging import PAGE_QUERY, page_of
from stint.core.schemas import ERRORS
from stint.notifications import selectors, services
from stint.notifications.models import Notification
from stint.notifications.schemas import (
    MarkReadIn,
    MarkReadOut,
    NotificationListOut,
    NotificationOut,
    PreferenceIn,
    PreferenceOut,
)

router = Router()


def _notification(n: Notification) -> NotificationOut:
    return NotificationOut(
        id=n.pk,
        kind=n.kind,
        title=n.title,
        body=n.body,
        url=n.url,
        created_at=n.created_at,
        read=n.read_at is not None,
    )


def _preferences(request: HttpRequest) -> list[PreferenceOut]:
    return [
        PreferenceOut(kind=p.kind, label=p.label, in_app=p.in_app, email=p.email)
        for p in selectors.preferences_of(request.user)
    ]


@router.get(
    "/notifications",
    response={200: NotificationListOut, **ERRORS},
    summary="Your notifications, newest first, with the unread count",
)
def notification_list(request: HttpRequest, page: int = PAGE_QUERY) -> NotificationListOut:
    """Your notifications, newest first, one page at a time, with how many are unread."""
    shown = page_of(selectors.notifications_for(request.user), page)
    return NotificationListOut(
        unread=selectors.unread_count(request.user),
        items=[_notification(n) for n in shown.items],
        total=shown.total,
        page=shown.page,
        pages=shown.pages,
    )


@router.post(
    "/notifications/read",
    response={200: MarkReadOut, **ERRORS},
    summary="Mark one notification read, or all with no id",
)
def notification_read(request: HttpRequest, payload: MarkReadIn) -> MarkReadOut:
    """Mark one notification read (`id`), or all of them when no id is sent. Answers how many
    were marked and how many are still unread. Someone else's notification is 404."""
    marked = services.notification_mark_read(user=request.user, notification_id=payload.id)
    return MarkReadOut(marked=marked, unread=selectors.unread_count(request.user))


@router.get(
    "/notifications/preferences",
    response={200: list[PreferenceOut], **ERRORS},
    summary="Your choice, per kind, of in-app and email notifications",
)
def preference_list(request: HttpRequest) -> list[PreferenceOut]:
    """For each kind of notification, whether you get it in the app and by email."""
    return _preferences(request)


@router.put(
    "/notifications/preferences",
    response={200: list[PreferenceOut], **ERRORS},
    summary="Change your choices (only the kinds you send change)",
)
def preference_update(request: HttpRequest, payload: list[PreferenceIn]) -> list[PreferenceOut]:
    """Change your notification choices; kinds you do not send keep their current setting. An
    unknown kind is 422 naming `kind`."""
    services.preferences_set(
        user=request.user, choices=[(p.kind, p.in_app, p.email) for p in payload]
    )
    return _preferences(request)
