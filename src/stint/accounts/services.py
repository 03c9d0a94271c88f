"""Writes for accounts: API tokens and role choices. Sign-up, verification,
passwords and login are django-allauth's."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from stint.accounts.models import ApiToken, User
from stint.core.errors import DomainError, NotFound
from stint.core.text import single_line

TOKEN_PREFIX = "stint_"


@dataclass(frozen=True)
class CreatedToken:
    token: ApiToken
    secret: str  # shown to the user once, never stored


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str) -> CreatedToken:
    name = name.strip()
    if not name:
        raise DomainError(
            "name_required", "Give the token a name so you can recognise it later.", "name"
        )
    if len(name) > 80:
        raise DomainError("name_too_long", "Token names are at most 80 characters.", "name")
    active = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
    if active.count() >= settings.STINT_API_TOKEN_LIMIT:
        raise DomainError(
            "too_many_tokens",
            f"You already have {settings.STINT_API_TOKEN_LIMIT} active tokens; revoke one first.",
            "name",
        )
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(user=user, name=name, prefix=prefix, key_hash=hash_token(raw))
    return CreatedToken(token=token, secret=raw)


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
    if token is None:
        raise NotFound("No such token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(raw: str) -> User | None:
    """The active user a raw token belongs to, or None. Records last use."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def user_update_profile_basics(*, user: User, full_name: str, is_candidate: bool) -> User:
    full_name = single_line(full_name, "full_name")
    if len(full_name) > 150:
        raise DomainError("name_too_long", "Names are at most 150 characters.", "full_name")
    user.full_name = full_name
    user.is_candidate = is_candidate
    user.save(update_fields=["full_name", "is_candidate"])
    user.__dict__.pop("_roles_cache", None)
    return user
