"""Helpers shared by the areas of the profile services: the actor's own profile (created on first
use, locked for writers), telling the matching indexes it changed, a child row of it, and a
trimmed text field."""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import DomainError, Forbidden, NotFound
from stint.core.tasks import enqueue_on_commit
from stint.matching.tasks import candidate_changed
from stint.profiles.models import CandidateProfile

NOT_CANDIDATE = "Only candidates keep a profile. Become a candidate in your account settings."


def _own(actor: User, *, lock: bool = True) -> CandidateProfile:
    """The actor's profile, created on first use. Writers lock it for the rest
    of the transaction so that limits (five goals, ...) hold under concurrent
    requests."""
    if not actor.is_authenticated or not actor.is_candidate:
        raise Forbidden(NOT_CANDIDATE)
    profile, created = CandidateProfile.objects.get_or_create(user=actor)
    if created or not lock:
        return profile
    return CandidateProfile.objects.select_for_update().get(pk=profile.pk)


def _touch(profile: CandidateProfile) -> None:
    profile.updated_at = timezone.now()
    profile.save(update_fields=["updated_at"])
    _changed(profile)


def _changed(profile: CandidateProfile) -> None:
    """The matching indexes follow profile changes through a task after commit."""
    enqueue_on_commit(candidate_changed, profile.user_id)


M = TypeVar("M", bound=models.Model)


def _child(model: type[M], profile: CandidateProfile, pk: int, what: str) -> M:
    found = model._default_manager.filter(profile=profile, pk=pk).first()
    if found is None:
        raise NotFound(f"No such {what} on your profile.")
    return found


def _text(value: str, *, field: str, label: str, limit: int) -> str:
    value = value.strip()
    if len(value) > limit:
        raise DomainError(f"{field}_too_long", f"{label} is at most {limit} characters.", field)
    return value
