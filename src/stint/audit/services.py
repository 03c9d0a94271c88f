"""The one writer of the audit log. A service that does something privileged
(an admin decision, a change of who may act for an organisation, a movement of
money, a privacy export or erasure) calls `record(...)` itself, inside its own
transaction, so the entry and the change commit or roll back together."""

from __future__ import annotations

from typing import Any, TypeAlias

from django.db import models

from stint.accounts.models import User
from stint.audit.models import AuditEntry
from stint.core.request_context import request_ip

# What an entry is about: a saved row, or (kind, id) for things that are not a
# row of their own or whose kind reads better than the model's name.
Target: TypeAlias = models.Model | tuple[str, object]


def _target(target: Target) -> tuple[str, str]:
    if isinstance(target, models.Model):
        return str(target._meta.model_name), str(target.pk)
    kind, pk = target
    return kind, str(pk)


def record(
    *,
    action: str,
    actor: User | None,
    target: Target,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEntry:
    """Write one audit entry. `actor` is whoever acted (None for the system: a
    scheduled task, a provider's webhook); `ip` defaults to the current
    request's client address, if there is a request."""
    target_type, target_id = _target(target)
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action[:60],
        target_type=target_type[:40],
        target_id=target_id[:40],
        before=before or {},
        after=after or {},
        ip=ip or request_ip(),
    )
