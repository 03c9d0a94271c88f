"""The thread: the inbox of every conversation, sending a message, and attachments (the one
way they leave the server)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from stint.accounts.models import User
from stint.applications import selectors, services
from stint.applications.forms import MessageForm
from stint.core.files import private_download
from stint.core.forms import flash_refusal


def attachment_response(user: User, application_id: int, message_id: int) -> HttpResponse:
    """The one way attachments leave the server: after the access check, as a download."""
    message = selectors.access_attachment(
        actor=user, application_id=application_id, message_id=message_id
    )
    return private_download(message.attachment, filename=message.attachment_name or "attachment")


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Every message thread across applications, newest first, unread marked (item 11)."""
    return render(request, "applications/inbox.html", {"threads": selectors.inbox_of(request.user)})


@login_required
@require_POST
def message_send(request: HttpRequest, application_id: int) -> HttpResponse:
    selectors.access_application(actor=request.user, application_id=application_id)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        with flash_refusal(request):
            services.message_send(
                actor=request.user,
                application_id=application_id,
                body=form.cleaned_data["body"],
                attachment=form.cleaned_data["attachment"],
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(reverse("application_detail", args=[application_id]) + "#thread")


@login_required
def message_attachment(request: HttpRequest, application_id: int, message_id: int) -> HttpResponse:
    return attachment_response(request.user, application_id, message_id)


@login_required
@require_GET
def thread_part(request: HttpRequest, application_id: int) -> HttpResponse:
    """The thread alone, which the open application page asks for every few seconds
    (htmx), so a reply shows without a reload; reading it marks it read, as the page does."""
    application = selectors.access_application(actor=request.user, application_id=application_id)
    thread = list(selectors.thread_of(application))
    services.thread_mark_read(actor=request.user, application_id=application.pk)
    return render(
        request,
        "applications/_thread.html",
        {"a": application, "thread": thread, "side": selectors.side_of(request.user, application)},
    )
