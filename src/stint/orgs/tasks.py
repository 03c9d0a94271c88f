from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from stint.orgs.models import Invitation


@task()
def send_invitation_email(invitation_id: int) -> None:
    from stint.orgs.services import invitation_token

    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.status != "pending":
        return  # revoked or accepted before the task ran: nothing to send
    context = {
        "invitation": invitation,
        "url": settings.SITE_URL.rstrip("/")
        + reverse("org_invitation_accept", args=[invitation_token(invitation)]),
    }
    send_mail(
        subject=f"[Stint] Join {invitation.organisation.name}",
        message=render_to_string("orgs/email/invitation.txt", context),
        html_message=render_to_string("orgs/email/invitation.html", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
