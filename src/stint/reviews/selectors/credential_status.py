"""Whether a credential is valid: its signature against every key Stint publishes, then its
revocation; and the signed revocation status lists."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from django.utils import timezone

from stint.core.errors import NotFound
from stint.reviews import credentials
from stint.reviews.models import Credential


def credential_by_id(credential_id: str | None) -> Credential | None:
    """The credential a document's `id` (urn:uuid:…) names, if Stint issued it."""
    if not credential_id or not credential_id.startswith("urn:uuid:"):
        return None
    try:
        value = uuid.UUID(credential_id.removeprefix("urn:uuid:"))
    except ValueError:
        return None
    return Credential.objects.filter(uuid=value).first()


def credential_check(document: Any) -> credentials.Verification:
    """Verify a credential: its signature against every key Stint publishes, then its
    revocation (the database is the source of the status list, and also knows when
    and why). A revoked credential is not valid, with code "revoked"."""
    result = credentials.verify(document)
    if not result.valid:
        return result
    credential = credential_by_id(result.credential_id)
    if credential is None or credential.revoked_at is None:
        return result
    return replace(
        result,
        valid=False,
        code="revoked",
        reason=f"Revoked on {credential.revoked_at:%Y-%m-%d}: {credential.revocation_reason}",
        revoked_at=credentials.iso(credential.revoked_at),
        revocation_reason=credential.revocation_reason,
    )


def revocation_list(list_no: int) -> dict[str, Any]:
    """The signed status list credential of revocation list `list_no` (public)."""
    slots = Credential.objects.filter(status_list=list_no)
    if list_no < 1 or not slots.exists():
        raise NotFound("No such status list.")
    revoked = slots.filter(revoked_at__isnull=False).values_list("status_index", flat=True)
    return credentials.status_list_credential(list_no, list(revoked), now=timezone.now())
