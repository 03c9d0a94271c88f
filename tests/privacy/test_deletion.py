"""Account deletion: password confirmation, anonymise what others keep, remove the rest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.files.storage import default_storage
from django.test import Client

from stint.accounts.models import ApiToken, User
from stint.applications.models import Answer, Application, Message
from stint.audit.models import AuditEntry
from stint.core.errors import ConflictError, DomainError
from stint.engagements.models import Engagement
from stint.notifications.models import Notification
from stint.opportunities.models import SavedSearch
from stint.orgs.models import Organisation
from stint.privacy import services
from stint.profiles.models import CandidateProfile, Education
from stint.reviews.models import Review
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


def test_wrong_password_changes_nothing(
    alice: User,
    alice_world: dict[str, Any],
    client_for: Callable[[User | None], Client],
    api_for: Callable[[User | None], Client],
) -> None:
    r = client_for(alice).post("/privacy/delete/", {"password": "nope", "confirm": "on"})
    assert r.status_code == 422 and b"not your password" in r.content
    r = api_for(alice).post(
        "/api/v1/privacy/account/delete", {"password": "nope"}, content_type="application/json"
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "password"
    r = client_for(alice).post("/privacy/delete/", {"password": PASSWORD})  # box not ticked
    assert r.status_code == 422 and b"Tick the box" in r.content
    alice.refresh_from_db()
    assert alice.is_active and alice.email == "alice@example.com"
    assert CandidateProfile.objects.filter(user=alice).exists()


def test_deletion_anonymises_shared_records_and_removes_the_rest(
    alice: User,
    alice_world: dict[str, Any],
    other_world: dict[str, Any],
    client_for: Callable[[User | None], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    resume = alice_world["profile"].resume.name
    attachment = alice_world["message"].attachment.name
    assert default_storage.exists(resume) and default_storage.exists(attachment)
    client = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/privacy/delete/", {"password": PASSWORD, "confirm": "on"})
    assert r.status_code == 302
    alice.refresh_from_db()
    assert alice.email == f"deleted-{alice.pk}@deleted.invalid"
    assert alice.full_name == "Deleted user" and not alice.is_active
    assert not alice.has_usable_password()
    # Kept, pointing at the anonymised account: the ledger's and the other side's records.
    engagement = Engagement.objects.get(pk=alice_world["engagement"].pk)
    assert (
        engagement.candidate_id == alice.pk and engagement.candidate.display_name == "Deleted user"
    )
    assert Review.objects.get(pk=alice_world["review"].pk).author_id == alice.pk
    message = Message.objects.get(pk=alice_world["message"].pk)
    assert message.sender_id == alice.pk and message.attachment.name == ""
    assert Message.objects.filter(pk=alice_world["reply"].pk).exists()
    application = Application.objects.get(pk=alice_world["application"].pk)
    assert application.note == "" and not Answer.objects.filter(application=application).exists()
    # Removed.
    assert not CandidateProfile.objects.filter(user=alice).exists()
    assert not Education.objects.filter(profile_id=alice_world["profile"].pk).exists()
    assert not Notification.objects.filter(user=alice).exists()
    assert not ApiToken.objects.filter(user=alice).exists()
    assert not EmailAddress.objects.filter(user=alice).exists()
    assert not SavedSearch.objects.filter(user=alice).exists()
    assert not default_storage.exists(resume) and not default_storage.exists(attachment)
    # Others untouched.
    zed = other_world["profile"].user
    zed.refresh_from_db()
    assert zed.is_active and CandidateProfile.objects.filter(user=zed).exists()
    assert default_storage.exists(other_world["profile"].resume.name)
    # Logged out: the session no longer works; the old token neither.
    assert client.get("/privacy/").status_code == 302
    token = alice_world["token"].secret
    assert (
        Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/privacy/exports").status_code
        == 401
    )
    assert AuditEntry.objects.filter(
        action="privacy.account_deleted", target_id=str(alice.pk)
    ).exists()


def test_blocked_while_work_is_in_progress(alice: User, alice_world: dict[str, Any]) -> None:
    Engagement.objects.filter(pk=alice_world["engagement"].pk).update(status="in_progress")
    with pytest.raises(ConflictError) as e:
        services.account_delete(actor=alice, password=PASSWORD)
    assert "engagements in progress" in e.value.message
    alice.refresh_from_db()
    assert alice.is_active


def test_blocked_for_the_only_owner(bob: User, acme: Organisation) -> None:
    with pytest.raises(ConflictError) as e:
        services.account_delete(actor=bob, password=PASSWORD)
    assert "only owner of Acme" in e.value.message


def test_open_applications_are_withdrawn(alice: User, alice_world: dict[str, Any]) -> None:
    Application.objects.filter(pk=alice_world["application"].pk).update(status="submitted")
    services.account_delete(actor=alice, password=PASSWORD)
    assert Application.objects.get(pk=alice_world["application"].pk).status == "withdrawn"


def test_empty_password_names_the_field(alice: User) -> None:
    with pytest.raises(DomainError) as e:
        services.account_delete(actor=alice, password="")
    assert e.value.field == "password"
