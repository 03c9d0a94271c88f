"""Helpers the areas of the application reads share: the count of unread messages of a
thread, used by the candidate's list and by the inbox."""

from __future__ import annotations

from django.db.models import Count, F, OuterRef, Q, Subquery

from stint.accounts.models import User
from stint.applications.models import Message, ThreadRead


def _unread_subquery(user: User) -> Subquery:
    last_read = ThreadRead.objects.filter(application=OuterRef("application"), user=user).values(
        "last_read_at"
    )[:1]
    unread = (
        Message.objects.filter(application=OuterRef("pk"))
        .exclude(sender=user)
        .annotate(last_read=Subquery(last_read))
        .filter(Q(last_read__isnull=True) | Q(created_at__gt=F("last_read")))
        .order_by()
        .values("application")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(unread)
