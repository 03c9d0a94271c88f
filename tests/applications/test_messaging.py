"""The thread of an application: messages, attachments, unread counts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from stint.accounts.models import User
from stint.applications import selectors, services
from stint.applications.models import Application, Message
from stint.core.errors import ConflictError, DomainError, NotFound
from stint.notifications.models import Notification
from stint.opportunities.models import Opportunity
from tests.applications.conftest import apply

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def test_both_sides_talk_and_unread_counts_follow(
    alice: User, bob: User, acme_member: User, published_opportunity: Opportunity
) -> None:
    a = apply(alice, published_opportunity)
    Notification.objects.all().delete()
    services.message_send(actor=bob, application_id=a.pk, body="Can you start Monday?")
    assert selectors.unread_count(alice, a) == 1
    assert selectors.unread_count(bob, a) == 0
    assert Notification.objects.get(user=alice).kind == "message.received"
    assert not Notification.objects.filter(user=acme_member).exists()
    services.message_send(actor=alice, application_id=a.pk, body="Yes!")
    assert selectors.unread_count(alice, a) == 0  # replying reads the thread
    assert selectors.unread_count(bob, a) == 1 and selectors.unread_count(acme_member, a) == 2
    assert Notification.objects.filter(user=acme_member, kind="message.received").count() == 1
    listed = selectors.applications_of_candidate(alice).get(pk=a.pk)
    assert listed.unread is None or listed.unread == 0
    services.thread_mark_read(actor=bob, application_id=a.pk)
    assert selectors.unread_count(bob, a) == 0


def test_outsiders_cannot_post(
    alice: User, carol: User, eve: User, published_opportunity: Opportunity
) -> None:
    a = apply(alice, published_opportunity)
    for user in (carol, eve):
        with pytest.raises(NotFound):
            services.message_send(actor=user, application_id=a.pk, body="hi")
    assert not Message.objects.exists()


@override_settings(STINT_ATTACHMENT_MAX_BYTES=1024)
def test_attachments_are_checked_and_stored_privately(
    alice: User, bob: User, published_opportunity: Opportunity, tmp_path: Path
) -> None:
    a = apply(alice, published_opportunity)
    m = services.message_send(
        actor=alice,
        application_id=a.pk,
        body="",
        attachment=SimpleUploadedFile("My CV.pdf", b"%PDF-1.4 hello", "application/pdf"),
    )
    assert m.attachment_name == "My CV.pdf"
    assert "My CV" not in m.attachment.name and m.attachment.name.endswith(".pdf")
    assert (tmp_path / m.attachment.name).read_bytes() == b"%PDF-1.4 hello"
    for upload, message in [
        (SimpleUploadedFile("x.exe", b"MZ"), "file types"),
        (SimpleUploadedFile("big.pdf", b"x" * 1025), "at most"),
    ]:
        with pytest.raises(DomainError) as err:
            services.message_send(actor=alice, application_id=a.pk, body="", attachment=upload)
        assert err.value.field == "attachment" and message in err.value.message
    with pytest.raises(DomainError) as err:
        services.message_send(actor=alice, application_id=a.pk, body="   ")
    assert err.value.field == "body"
    assert Message.objects.count() == 1


def test_threads_of_long_closed_applications_take_no_messages(
    alice: User, bob: User, published_opportunity: Opportunity
) -> None:
    a = apply(alice, published_opportunity)
    services.application_decline(actor=bob, application_id=a.pk)
    services.message_send(actor=alice, application_id=a.pk, body="Thanks anyway")
    Application.objects.filter(pk=a.pk).update(closed_at=timezone.now() - timedelta(days=31))
    with pytest.raises(ConflictError):
        services.message_send(actor=alice, application_id=a.pk, body="Hello?")
