"""Helpers shared by the areas of the moderation services: only platform admins moderate."""

from __future__ import annotations

from stint.accounts.models import User
from stint.core.errors import NotFound


def _require_admin(actor: User) -> None:
    # Outsiders learn nothing: moderation does not exist for them.
    if not actor.is_authenticated or not actor.is_staff:
        raise NotFound("No such page.")
