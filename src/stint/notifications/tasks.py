from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from stint.notifications.models import Notification


@task()
def send_notification_email(notification_id: int) -> None:
    """Idempotent: a notification is emailed at most once (row lock + emailed_at)."""
    with transaction.atomic():
        n = (
            Notification.objects.select_for_update()
            .select_related("user")
            .filter(pk=notification_id)
            .first()
        )
        if n is None or n.emailed_at is not None or not n.user.is_active:
            return
        context = {"n": n, "site_url": settings.SITE_URL.rstrip("/")}
        send_mail(
            subject=f"[Stint] {n.title}",
            message=render_to_string("notifications/email/notification.txt", context),
            html_message=render_to_string("notifications/email/notification.html", context),
            from_email=None,
            recipient_list=[n.user.email],
        )
        n.emailed_at = timezone.now()
        n.save(update_fields=["emailed_at"])
