"""A message retried with the same `Idempotency-Key` is sent once (multipart)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from stint.accounts.models import User
from stint.applications.models import Message
from stint.opportunities.models import Opportunity
from tests.applications.conftest import apply

pytestmark = pytest.mark.django_db


def test_a_retried_upload_sends_one_message(
    alice: User,
    bob: User,
    published_opportunity: Opportunity,
    api_for: Any,
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    a = apply(alice, published_opportunity)

    def send() -> Any:
        return api_for(bob).post(
            f"/api/v1/applications/{a.pk}/messages",
            {"body": "Brief", "attachment": SimpleUploadedFile("brief.txt", b"do it")},
            HTTP_IDEMPOTENCY_KEY="msg-7",
        )

    first, second = send(), send()  # two tokens of one person: one key space
    assert first.status_code == second.status_code == 201
    assert second.json()["id"] == first.json()["id"]
    assert Message.objects.filter(application=a).count() == 1
