"""Writes for accounts: API tokens and role choices. Sign-up, verification,
passwords and login are django-allauth's."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from oauth2_provider.scopes import get_scopes_backend

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
def api_token_create(
    *, user: User, name: str, scopes: Iterable[str] = (), expires_at: datetime | None = None
) -> CreatedToken:
    """A personal token. `scopes` limit it as an OAuth app's token is limited (none: all
    of the person's rights); `expires_at` ends it (none: until revoked)."""
    name = name.strip()
    if not name:
        raise DomainError(
            "name_required", "Give the token a name so you can recognise it later.", "name"
        )
    if len(name) > 80:
        raise DomainError("name_too_long", "Token names are at most 80 characters.", "name")
    # The scopes the authorization server knows (stint.oauth.rules, through DOT's backend:
    # accounts sits below stint.oauth in the layering).
    known = get_scopes_backend().get_all_scopes()
    scopes = sorted(set(scopes))
    unknown = [s for s in scopes if s not in known]
    if unknown:
        raise DomainError(
            "scope_invalid",
            f"Unknown scope {', '.join(unknown)}: choose from {', '.join(known)}.",
            "scopes",
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError("expiry_in_past", "The expiry must be in the future.", "expires_at")
    active = (
        ApiToken.objects.select_for_update()
        .filter(user=user, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
    )
    if active.count() >= settings.STINT_API_TOKEN_LIMIT:
        raise DomainError(
            "too_many_tokens",
            f"You already have {settings.STINT_API_TOKEN_LIMIT} active tokens; revoke one first.",
            "name",
        )
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        key_hash=hash_token(raw),
        scopes=" ".join(scopes),
        expires_at=expires_at,
    )
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


def api_token_find(raw: str) -> ApiToken | None:
    """The live token `raw` is (not revoked, not expired, its person active), or None.
    Records last use."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def api_token_authenticate(raw: str) -> User | None:
    """The active user a raw token belongs to, or None. Records last use."""
    token = api_token_find(raw)
    return token.user if token is not None else None


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
