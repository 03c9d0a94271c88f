"""Reads of the audit log, for platform admins only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from stint.accounts.models import User
from stint.audit.models import AuditEntry
from stint.core.errors import NotFound


@dataclass(frozen=True)
class AuditQuery:
    action: str = ""  # a prefix: "membership" finds membership.created, .removed, …
    actor: str = ""  # an id or part of an email
    target_type: str = ""
    target_id: str = ""
    since: datetime | None = None
    until: datetime | None = None


def audit_search(actor: User, query: AuditQuery) -> QuerySet[AuditEntry]:
    # Outsiders learn nothing: the log does not exist for them.
    if not (actor.is_authenticated and actor.is_staff):
        raise NotFound("No such page.")
    qs = AuditEntry.objects.select_related("actor").order_by("-at", "-pk")
    if query.action:
        qs = qs.filter(action__istartswith=query.action)
    if query.actor:
        if query.actor.isdigit():
            qs = qs.filter(actor_id=int(query.actor))
        else:
            qs = qs.filter(actor__email__icontains=query.actor)
    if query.target_type:
        qs = qs.filter(target_type=query.target_type)
    if query.target_id:
        qs = qs.filter(target_id=query.target_id)
    if query.since:
        qs = qs.filter(at__gte=query.since)
    if query.until:
        qs = qs.filter(at__lte=query.until)
    return qs
