from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from stint.notifications.selectors import unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    """The unread count for the menu; one indexed count query per page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}
