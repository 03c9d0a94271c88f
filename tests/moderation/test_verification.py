"""The employer verification flow: request (domain email, documents), admin
queue, refuse with a reason, resubmit, approve → organisation verified, audited."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from stint.accounts.models import User
from stint.audit.models import AuditEntry
from stint.core.errors import ConflictError, DomainError, Forbidden
from stint.moderation import services
from stint.moderation.models import VerificationDocument, VerificationRequest
from stint.orgs.models import Membership, Organisation

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a registration extract\n"


def pdf(name: str = "extract.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_full_flow_with_refusal_and_resubmission(
    bob: User, root: User, acme: Organisation, client_for: Callable[[User | None], Client]
) -> None:
    owner, admin = client_for(bob), client_for(root)
    r = owner.post(
        f"/moderation/verification/{acme.pk}/", {"note": "HRB 1234", "documents": [pdf()]}
    )
    assert r.status_code == 302
    vr = VerificationRequest.objects.get(organisation=acme)
    assert vr.status == "pending" and vr.email == "bob@acme.example"
    doc = vr.documents.get()
    assert doc.kind == "pdf" and not doc.file.name.endswith("extract.pdf")  # unguessable name

    queue = admin.get("/moderation/")
    assert queue.status_code == 200 and b"Acme" in queue.content
    assert admin.get(f"/moderation/documents/{doc.pk}/").status_code == 200

    r = admin.post(f"/moderation/verification/requests/{vr.pk}/refuse/", {"reason": ""})
    assert r.status_code == 422 and b"reason" in r.content.lower()
    vr.refresh_from_db()
    assert vr.status == "pending"

    admin.post(
        f"/moderation/verification/requests/{vr.pk}/refuse/",
        {"reason": "The extract is unreadable; upload a clearer scan."},
    )
    vr.refresh_from_db()
    assert vr.status == "refused"
    page = owner.get(f"/moderation/verification/{acme.pk}/")
    assert b"unreadable" in page.content  # the employer sees the reason
    assert bob.notifications.filter(kind="moderation.verification").exists()

    # Resubmission is allowed once refused.
    owner.post(f"/moderation/verification/{acme.pk}/", {"note": "Clearer scan"})
    second = VerificationRequest.objects.filter(organisation=acme, status="pending").get()
    admin.post(f"/moderation/verification/requests/{second.pk}/approve/")
    acme.refresh_from_db()
    assert acme.is_verified
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"verification.requested", "verification.refused", "verification.approved"} <= actions
    approved = AuditEntry.objects.get(action="verification.approved")
    assert approved.actor == root and approved.before["verified"] is False
    assert approved.ip == "127.0.0.1"


def test_needs_a_verified_email_on_the_website_domain(bob: User, acme: Organisation) -> None:
    acme.website = "https://other.example"
    acme.save()
    with pytest.raises(DomainError) as e:
        services.verification_request(actor=bob, organisation_id=acme.pk)
    assert e.value.field == "email"
    EmailAddress.objects.create(user=bob, email="bob@other.example", verified=False)
    with pytest.raises(DomainError):
        services.verification_request(actor=bob, organisation_id=acme.pk)
    assert not VerificationRequest.objects.exists()


def test_needs_a_website(bob: User, acme: Organisation) -> None:
    acme.website = ""
    acme.save()
    with pytest.raises(DomainError) as e:
        services.verification_request(actor=bob, organisation_id=acme.pk)
    assert e.value.field == "website"


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (pdf("fake.pdf", b"MZ\x90\x00 not a pdf"), "document_type"),
        (pdf("script.exe", PDF), "document_type"),
        (pdf("big.pdf", PDF + b"0" * 2048), "document_too_large"),
    ],
)
def test_bad_documents_are_refused_and_nothing_is_stored(
    bob: User, acme: Organisation, settings: object, upload: SimpleUploadedFile, code: str
) -> None:
    settings.STINT_VERIFICATION_DOC_MAX_BYTES = 1024  # type: ignore[attr-defined]
    with pytest.raises(DomainError) as e:
        services.verification_request(actor=bob, organisation_id=acme.pk, documents=[upload])
    assert e.value.code == code and e.value.field == "documents"
    assert not VerificationRequest.objects.exists()
    assert not VerificationDocument.objects.exists()


def test_bad_document_via_page_shows_field_error(
    bob: User, acme: Organisation, client_for: Callable[[User | None], Client]
) -> None:
    r = client_for(bob).post(
        f"/moderation/verification/{acme.pk}/", {"documents": [pdf("x.pdf", b"GIF89a")]}
    )
    assert r.status_code == 422 and b"not a PDF" in r.content
    assert not VerificationRequest.objects.exists()


def test_only_owners_request_and_only_once(bob: User, eve: User, acme: Organisation) -> None:
    Membership.objects.create(organisation=acme, user=eve, role="admin")
    EmailAddress.objects.create(user=eve, email="eve@acme.example", verified=True)
    with pytest.raises(Forbidden):
        services.verification_request(actor=eve, organisation_id=acme.pk)
    services.verification_request(actor=bob, organisation_id=acme.pk)
    with pytest.raises(ConflictError):
        services.verification_request(actor=bob, organisation_id=acme.pk)


def test_api_flow(
    bob: User, root: User, acme: Organisation, api_for: Callable[[User | None], Client]
) -> None:
    r = api_for(bob).post(
        f"/api/v1/orgs/{acme.pk}/verification-requests", {"note": "hi", "documents": [pdf()]}
    )
    assert r.status_code == 201, r.content
    vr_id = r.json()["id"]
    assert len(r.json()["documents"]) == 1
    r = api_for(root).post(
        f"/api/v1/moderation/verification-requests/{vr_id}/refuse",
        {"reason": ""},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    r = api_for(root).post(f"/api/v1/moderation/verification-requests/{vr_id}/approve")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    acme.refresh_from_db()
    assert acme.is_verified


def test_documents_are_private(
    bob: User,
    carol: User,
    eve: User,
    acme: Organisation,
    client_for: Callable[[User | None], Client],
) -> None:
    vr = services.verification_request(actor=bob, organisation_id=acme.pk, documents=[pdf()])
    doc = vr.documents.get()
    assert client_for(bob).get(f"/moderation/documents/{doc.pk}/").status_code == 200
    for outsider in (carol, eve):
        assert client_for(outsider).get(f"/moderation/documents/{doc.pk}/").status_code == 404
    assert client_for(None).get(f"/moderation/documents/{doc.pk}/").status_code == 302
