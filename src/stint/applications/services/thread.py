"""The thread of each application: messages (with attachments) and what each side has read."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from stint.accounts.models import User
from stint.applications import rules
from stint.applications.models import Application, Message, ThreadRead
from stint.applications.selectors import access_application
from stint.applications.services.common import _notify_employer, _url
from stint.core import ratelimit
from stint.core.errors import ConflictError, DomainError
from stint.notifications.services import notify


@transaction.atomic
def message_send(
    *, actor: User, application_id: int, body: str, attachment: UploadedFile | None = None
) -> Message:
    ratelimit.hit("message_send", actor)  # each message emails the other side: cap floods
    application = access_application(actor=actor, application_id=application_id)
    side = "candidate" if application.candidate_id == actor.pk else "employer"
    if rules.thread_is_closed(
        status=application.status, closed_at=application.closed_at, now=timezone.now()
    ):
        raise ConflictError("thread_closed", "This conversation ended over 30 days ago.")
    body = body.strip()
    if not body and attachment is None:
        raise DomainError("body_required", "Write a message or attach a file.", "body")
    if len(body) > 5000:
        raise DomainError("body_too_long", "Keep messages under 5000 characters.", "body")
    message = Message(application=application, sender=actor, body=body)
    if attachment is not None:
        original = PurePath(attachment.name or "file").name[:200]
        refusal = rules.attachment_refusal(
            original, attachment.size or 0, settings.STINT_ATTACHMENT_MAX_BYTES
        )
        if refusal:
            raise DomainError("bad_attachment", refusal, "attachment")
        # Stored under an unguessable name; served only through an access-checked view.
        message.attachment.save(
            f"{uuid.uuid4().hex}{PurePath(original).suffix.lower()}", attachment, save=False
        )
        message.attachment_name = original
    message.save()
    _mark_read(application, actor, message.created_at)
    o = application.opportunity
    title = f"New message about {o.title}"
    preview = body[:200] or f"Attachment: {message.attachment_name}"
    if side == "candidate":
        _notify_employer(
            application,
            kind="message.received",
            title=f"{actor.display_name}: {title}",
            body=preview,
            exclude=actor,
        )
    else:
        notify(
            user=application.candidate,
            kind="message.received",
            title=f"{o.employer.name}: {title}",
            body=preview,
            url=_url(application),
        )
    return message


def _mark_read(application: Application, user: User, when: object) -> None:
    ThreadRead.objects.update_or_create(
        application=application, user=user, defaults={"last_read_at": when}
    )


@transaction.atomic
def thread_mark_read(*, actor: User, application_id: int) -> None:
    application = access_application(actor=actor, application_id=application_id)
    _mark_read(application, actor, timezone.now())
