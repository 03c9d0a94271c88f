"""Employer verification: an owner with an address on the website's domain asks (documents
optional), a platform admin approves or refuses, and opening a document is audited."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from pathlib import PurePath
from typing import Protocol

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from stint.accounts.models import User
from stint.audit import services as audit
from stint.core.errors import ConflictError, DomainError, Forbidden, NotFound
from stint.moderation import rules
from stint.moderation.models import VerificationDocument, VerificationRequest, VerificationStatus
from stint.moderation.selectors import access_document
from stint.moderation.services.common import _require_admin
from stint.notifications.services import notify
from stint.orgs.models import OrgKind, OrgRole
from stint.orgs.selectors import access_organisation
from stint.orgs.services import organisation_set_verified


class Upload(Protocol):
    name: str | None
    size: int | None

    def read(self, size: int = -1) -> bytes: ...


def _document_bytes(file: Upload) -> tuple[str, bytes, str]:
    limit = settings.STINT_VERIFICATION_DOC_MAX_BYTES
    too_large = DomainError(
        "document_too_large",
        f"Documents are at most {limit / (1024 * 1024):.0f} MB each.",
        "documents",
    )
    if file.size is not None and file.size > limit:
        raise too_large
    data = file.read(limit + 1)
    if len(data) > limit:
        raise too_large
    name = PurePath(file.name or "document").name[:200]
    kind = rules.document_kind(name, data[:16])
    if kind is None:
        raise DomainError(
            "document_type",
            f"“{name}” is not a PDF, PNG or JPEG file (we check the content, not just the name).",
            "documents",
        )
    return name, data, kind


def domain_email_for(user: User, website: str) -> str | None:
    """The user's verified address on the website's domain, if any."""
    for address in EmailAddress.objects.filter(user=user, verified=True).order_by(
        "-primary", "email"
    ):
        if rules.email_matches_website(address.email, website):
            return str(address.email)
    return None


@transaction.atomic
def verification_request(
    *, actor: User, organisation_id: int, note: str = "", documents: Sequence[Upload] = ()
) -> VerificationRequest:
    """An employer's owner asks for verification. Needs a verified address of
    the owner on the domain of the organisation's website; documents optional."""
    org, membership = access_organisation(
        actor=actor, organisation_id=organisation_id, for_update=True
    )
    if membership is None or membership.role != OrgRole.OWNER:
        raise Forbidden("Only the organisation's owners may request verification.")
    if org.kind != OrgKind.EMPLOYER:
        raise DomainError(
            "not_employer", "Only employers are verified this way.", "organisation_id"
        )
    if org.is_verified:
        raise ConflictError("already_verified", f"{org.name} is already verified.")
    if VerificationRequest.objects.filter(
        organisation=org, status=VerificationStatus.PENDING
    ).exists():
        raise ConflictError(
            "already_pending", "A request is already waiting for review.", "organisation_id"
        )
    if rules.website_host(org.website) is None:
        raise DomainError(
            "website_required",
            "Add your company's website to the organisation first: we check your email "
            "address against its domain.",
            "website",
        )
    email = domain_email_for(actor, org.website)
    if email is None:
        raise DomainError(
            "email_domain",
            f"Verify an email address on {rules.website_host(org.website)} in your account "
            "settings first (free-mail addresses do not count).",
            "email",
        )
    note = note.strip()
    if len(note) > 2000:
        raise DomainError("note_too_long", "Keep the note under 2000 characters.", "note")
    if len(documents) > settings.STINT_VERIFICATION_MAX_DOCS:
        raise DomainError(
            "too_many_documents",
            f"Attach at most {settings.STINT_VERIFICATION_MAX_DOCS} documents.",
            "documents",
        )
    checked = [_document_bytes(f) for f in documents]
    request = VerificationRequest.objects.create(
        organisation=org, requested_by=actor, email=email, website=org.website, note=note
    )
    stored: list[str] = []
    try:
        for name, data, kind in checked:
            doc = VerificationDocument(
                request=request, original_name=name, kind=kind, size=len(data)
            )
            doc.file.save(f"{secrets.token_hex(16)}.{kind}", ContentFile(data), save=False)
            stored.append(doc.file.name)
            doc.save()
    except Exception:
        for path in stored:
            VerificationDocument.file.field.storage.delete(path)
        raise
    audit.record(
        actor=actor,
        action="verification.requested",
        target=("organisation", org.pk),
        after={"request": request.pk, "email_domain": email.rsplit("@", 1)[1]},
    )
    return request


def _locked_request(request_id: int) -> VerificationRequest:
    request = (
        # Lock only the request row: requested_by is nullable (an outer join), and
        # PostgreSQL cannot lock the nullable side of one.
        VerificationRequest.objects.select_for_update(of=("self",))
        .select_related("organisation", "requested_by")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise NotFound("No such verification request.")
    return request


def _tell_requester(request: VerificationRequest, title: str, body: str) -> None:
    if request.requested_by is not None and request.requested_by.is_active:
        notify(
            user=request.requested_by,
            kind="moderation.verification",
            title=title,
            body=body,
            url=reverse("moderation_verification", args=[request.organisation_id]),
        )


@transaction.atomic
def verification_approve(*, actor: User, request_id: int) -> VerificationRequest:
    _require_admin(actor)
    request = _locked_request(request_id)
    if request.status != VerificationStatus.PENDING:
        raise ConflictError("not_pending", f"This request is already {request.status}.")
    org = organisation_set_verified(
        actor=actor, organisation_id=request.organisation_id, verified=True
    )
    request.status = VerificationStatus.APPROVED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(
        actor=actor,
        action="verification.approved",
        target=("organisation", org.pk),
        before={"verified": False, "request": request.pk},
        after={"verified": True, "request": request.pk},
    )
    _tell_requester(
        request,
        f"{org.name} is verified",
        "A platform admin verified your organisation: you can publish opportunities now.",
    )
    return request


@transaction.atomic
def verification_refuse(*, actor: User, request_id: int, reason: str) -> VerificationRequest:
    _require_admin(actor)
    reason = reason.strip()
    if len(reason) < 5:
        raise DomainError(
            "reason_required", "Tell the employer why (at least a few words).", "reason"
        )
    if len(reason) > 2000:
        raise DomainError("reason_too_long", "Keep the reason under 2000 characters.", "reason")
    request = _locked_request(request_id)
    if request.status != VerificationStatus.PENDING:
        raise ConflictError("not_pending", f"This request is already {request.status}.")
    request.status = VerificationStatus.REFUSED
    request.reason = reason
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit.record(
        actor=actor,
        action="verification.refused",
        target=("organisation", request.organisation_id),
        before={"status": "pending", "request": request.pk},
        after={"status": "refused", "request": request.pk, "reason": reason},
    )
    _tell_requester(
        request,
        f"Verification of {request.organisation.name} was refused",
        f"{reason}\n\nYou can fix this and request verification again.",
    )
    return request


@transaction.atomic
def verification_document_open(*, actor: User, document_id: int) -> VerificationDocument:
    """A private document, for its organisation's managers and platform admins.
    An admin reading a company's papers is audited."""
    doc = access_document(actor=actor, document_id=document_id)
    if actor.is_staff:
        audit.record(
            actor=actor,
            action="verification.document_viewed",
            target=("verification_document", doc.pk),
        )
    return doc
