"""Threads: an application's messages, the inbox of every thread a person takes part in,
and what is still unread."""

from __future__ import annotations

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from stint.accounts.models import User
from stint.applications.models import Application, Message, ThreadRead
from stint.applications.selectors.common import _unread_subquery
from stint.orgs.models import Membership


def thread_of(application: Application) -> QuerySet[Message]:
    return application.messages.select_related("sender").order_by("created_at", "pk")


# How many threads the inbox lists (the busiest people have a few dozen).
INBOX_LIMIT = 200


def inbox_of(user: User, limit: int = INBOX_LIMIT) -> list[Application]:
    """Every application thread the user takes part in that has a message, newest
    message first (issue 14 item 11), each annotated with `last_at`, `last_body`,
    `last_attachment`, `last_sender_id` and `unread` (messages from others since
    the user last opened the thread)."""
    if not user.is_authenticated:
        return []
    org_ids = Membership.objects.filter(user=user).values("organisation_id")
    last = Message.objects.filter(application=OuterRef("pk")).order_by("-created_at", "-pk")
    return list(
        Application.objects.filter(Q(candidate=user) | Q(opportunity__employer_id__in=org_ids))
        .annotate(
            last_at=Subquery(last.values("created_at")[:1]),
            last_body=Subquery(last.values("body")[:1]),
            last_attachment=Subquery(last.values("attachment_name")[:1]),
            last_sender_id=Subquery(last.values("sender_id")[:1]),
            unread=Coalesce(_unread_subquery(user), 0),
        )
        .filter(last_at__isnull=False)
        .select_related("opportunity", "opportunity__employer", "candidate")
        .order_by("-last_at", "-pk")[:limit]
    )


def unread_count(user: User, application: Application) -> int:
    read = ThreadRead.objects.filter(application=application, user=user).first()
    qs = application.messages.exclude(sender=user)
    if read is not None:
        qs = qs.filter(created_at__gt=read.last_read_at)
    return qs.count()
