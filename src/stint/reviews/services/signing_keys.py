"""Rotating the platform's signing key while every old public key stays published."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from stint.audit import services as audit
from stint.core.errors import DomainError
from stint.reviews import credentials
from stint.reviews.models import SigningKey


@dataclass(frozen=True)
class Rotation:
    old_key_id: str | None
    new_key_id: str
    written_to: Path
    pending_deploy: bool  # STINT_SIGNING_KEY must still be set to the new key


def signing_key_rotate(*, output: str | Path | None = None) -> Rotation:
    """Make a new signing key and keep every old public key published (so credentials
    they signed still verify). In development the key file under var/ is replaced
    and new credentials are signed with the new key at once (other running processes
    after a restart; until then they sign with the old key, which stays valid). With
    STINT_SIGNING_KEY set, the new key is written to `output` for the operator to
    deploy, and is published from now on."""
    from_env = credentials.key_from_environment()
    if from_env and not output:
        raise DomainError(
            "output_required",
            "STINT_SIGNING_KEY is set: give a file for the new key (--output), then set "
            "STINT_SIGNING_KEY to its contents and restart.",
            "output",
        )
    target = Path(output) if output else None
    if target is not None and target.exists():
        raise DomainError("output_exists", f"{target} exists; choose a new file.", "output")
    try:
        old = credentials.platform_key()
    except ImproperlyConfigured:
        old = None  # production without a key yet: this makes the first
    new = Ed25519PrivateKey.generate()
    now = timezone.now()
    new_multibase = credentials.public_multibase(new.public_key())
    with transaction.atomic():
        if old is not None:
            credentials.remember_key(old.public_key())
        SigningKey.objects.filter(retired_at__isnull=True).update(retired_at=now)
        key = SigningKey.objects.create(public_multibase=new_multibase, created_at=now)
        # An operator's command: no user acts.
        audit.record(
            actor=None,
            action="signing_key.rotated",
            target=("signing_key", key.pk),
            after={"key_id": credentials.key_id(new.public_key()), "pending_deploy": from_env},
        )
    written = credentials.write_key_for_environment(new, target) if target is not None else None
    if not from_env:
        written = credentials.write_development_key(new)
    assert written is not None
    return Rotation(
        old_key_id=credentials.key_id(old.public_key()) if old is not None else None,
        new_key_id=credentials.key_id(new.public_key()),
        written_to=written,
        pending_deploy=from_env,
    )
