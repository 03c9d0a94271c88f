"""Writes for trust and safety: employer verification, reports and their
moderation actions, and admin decisions on held postings. Every privileged
action calls `audit.record` in its own transaction."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any, Protocol

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from stint.accounts.models import User
from stint.applications.models import Message
from stint.applications.selectors import access_application
from stint.audit import services as audit
from stint.core import ratelimit
from stint.core.errors import ConflictError, DomainError, Forbidden, NotFound
from stint.moderation import rules
from stint.moderation.models import (
    PostingReview,
    Report,
    ReportStatus,
    VerificationDocument,
    VerificationRequest,
    VerificationStatus,
)
from stint.moderation.selectors import access_document
from stint.notifications.services import notify
from stint.opportunities import services as opportunity_services
from stint.opportunities.models import Opportunity, OpportunityStatus
from stint.opportunities.selectors import access_opportunity, is_member
from stint.orgs.models import Membership, OrgKind, OrgRole
from stint.orgs.selectors import access_organisation
from stint.orgs.services import organisation_set_verified
from stint.profiles.selectors import access_profile


def _require_admin(actor: User) -> None:
    # Outsiders learn nothing: moderation does not exist for them.
    if not actor.is_authenticated or not actor.is_staff:
        raise NotFound("No such page.")


# --- Employer verification ----------------------------------------------------------------


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


# --- Reports ------------------------------------------------------------------------------


def _check_target(actor: User, target_type: str, target_id: int) -> None:
    """The reporter must be able to see what they report (else NotFound: ids do
    not leak) and must not report their own things."""
    if target_type == "opportunity":
        opportunity = access_opportunity(actor=actor, opportunity_id=target_id)
        if is_member(actor, opportunity.employer_id):
            raise DomainError("own_target", "You cannot report your own posting.", "target_id")
    elif target_type == "profile":
        if target_id == actor.pk:
            raise DomainError("own_target", "You cannot report your own profile.", "target_id")
        access_profile(actor=actor, user_id=target_id)
    elif target_type == "message":
        message = Message.objects.filter(pk=target_id).first()
        if message is None:
            raise NotFound("No such message.")
        access_application(actor=actor, application_id=message.application_id)
        if message.sender_id == actor.pk:
            raise DomainError("own_target", "You cannot report your own message.", "target_id")
    else:
        raise DomainError(
            "bad_target_type", "You can report a posting, a profile or a message.", "target_type"
        )


@transaction.atomic
def report_create(
    *, actor: User, target_type: str, target_id: int, reason: str, text: str = ""
) -> Report:
    if not actor.is_authenticated:
        raise Forbidden("Log in to report.")
    ratelimit.hit("report_create", actor)
    if target_type not in rules.TARGET_TYPES:
        raise DomainError(
            "bad_target_type", "You can report a posting, a profile or a message.", "target_type"
        )
    if reason not in rules.REASONS:
        raise DomainError("bad_reason", "Choose one of the listed reasons.", "reason")
    text = text.strip()
    if len(text) > 2000:
        raise DomainError("text_too_long", "Keep it under 2000 characters.", "text")
    if reason == "other" and len(text) < 5:
        raise DomainError("text_required", "Tell us what is wrong.", "text")
    _check_target(actor, target_type, target_id)
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=actor,
                target_type=target_type,
                target_id=target_id,
                reason=reason,
                text=text,
            )
    except IntegrityError as exc:
        raise ConflictError(
            "already_reported", "You already reported this; moderators are on it."
        ) from exc


def target_owner(target_type: str, target_id: int) -> User | None:
    """Whom a warning or suspension concerns: the posting's author, the profile's
    owner, the message's sender."""
    if target_type == "opportunity":
        o = Opportunity.objects.select_related("created_by").filter(pk=target_id).first()
        return o.created_by if o else None
    if target_type == "profile":
        return User.objects.filter(pk=target_id).first()
    if target_type == "message":
        m = Message.objects.select_related("sender").filter(pk=target_id).first()
        return m.sender if m else None
    return None


def _warn(user: User, note: str) -> None:
    notify(
        user=user,
        kind="moderation.warning",
        title="A warning from Stint's moderators",
        body=note,
    )


@transaction.atomic
def user_set_active(*, actor: User, user_id: int, active: bool, reason: str = "") -> User:
    """Suspend (or restore) a user: a suspended user cannot log in or use tokens."""
    _require_admin(actor)
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise NotFound("No such user.")
    if user.pk == actor.pk:
        raise DomainError("self_suspend", "You cannot suspend yourself.", "action")
    if user.is_staff and not active:
        raise DomainError(
            "suspend_admin",
            "Platform admins are not suspended here; remove admin rights first.",
            "action",
        )
    before = user.is_active
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        action="user.suspended" if not active else "user.restored",
        target=("user", user.pk),
        before={"is_active": before},
        after={"is_active": active, "reason": reason},
    )
    return user


@transaction.atomic
def report_resolve(*, actor: User, report_id: int, action: str, note: str = "") -> Report:
    """Act on an open report. Other open reports on the same target are closed
    with it. Every action (including dismissal) is audited."""
    _require_admin(actor)
    report = Report.objects.select_for_update().filter(pk=report_id).first()
    if report is None:
        raise NotFound("No such report.")
    if report.status != ReportStatus.OPEN:
        raise ConflictError("not_open", f"This report is already {report.status}.")
    if not rules.action_allowed(report.target_type, action):
        raise DomainError("bad_action", "That action does not fit this report.", "action")
    note = note.strip()
    if rules.needs_note(action) and len(note) < 5:
        raise DomainError(
            "note_required", "Write a note: it is shown to the person concerned.", "note"
        )
    if len(note) > 2000:
        raise DomainError("note_too_long", "Keep the note under 2000 characters.", "note")
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    owner = target_owner(report.target_type, report.target_id)
    if action == "hide_posting":
        o = Opportunity.objects.filter(pk=report.target_id).first()
        if o is None:
            raise NotFound("The posting no longer exists.")
        before["status"] = o.status
        held = opportunity_services.opportunity_hold_for_review(
            opportunity_id=o.pk,
            flags=[{"code": "reported", "field": "", "message": note}],
        )
        after["status"] = held.status
        if owner is not None:
            _warn(owner, f"Your posting “{o.title}” was taken down for review: {note}")
    elif action in ("warn", "suspend_user"):
        if owner is None:
            raise DomainError("no_owner", "Nobody to act on: the author is gone.", "action")
        if action == "warn":
            _warn(owner, note)
            after["warned_user"] = owner.pk
        else:
            user_set_active(actor=actor, user_id=owner.pk, active=False, reason=note)
            after["suspended_user"] = owner.pk
    elif action == "unverify_employer":
        o = Opportunity.objects.select_related("employer").filter(pk=report.target_id).first()
        if o is None:
            raise NotFound("The posting no longer exists.")
        before["verified"] = o.employer.is_verified
        organisation_set_verified(actor=actor, organisation_id=o.employer_id, verified=False)
        after["verified"] = False
        after["organisation"] = o.employer_id
    now = timezone.now()
    status = ReportStatus.DISMISSED if action == "dismiss" else ReportStatus.ACTIONED
    together = list(
        Report.objects.select_for_update()
        .filter(
            target_type=report.target_type, target_id=report.target_id, status=ReportStatus.OPEN
        )
        .values_list("pk", flat=True)
    )
    Report.objects.filter(pk__in=together).update(
        status=status, action=action, note=note, resolved_by=actor, resolved_at=now
    )
    audit.record(
        actor=actor,
        action=f"report.{action}",
        target=(report.target_type, report.target_id),
        before=before,
        after={**after, "reports": together, "note": note},
    )
    report.refresh_from_db()
    return report


# --- Held postings ------------------------------------------------------------------------


def _tell_poster(opportunity: Opportunity, title: str, body: str) -> None:
    members = Membership.objects.filter(
        organisation_id=opportunity.employer_id, role__in=[OrgRole.OWNER, OrgRole.ADMIN]
    ).select_related("user")
    recipients: dict[int, User] = {m.user_id: m.user for m in members}
    if opportunity.created_by is not None:
        recipients[opportunity.created_by.pk] = opportunity.created_by
    for user in recipients.values():
        if user.is_active:
            notify(
                user=user,
                kind="moderation.posting",
                title=title,
                body=body,
                url=reverse("opportunity_detail", args=[opportunity.pk]),
            )


def _held(opportunity_id: int) -> Opportunity:
    o = Opportunity.objects.select_related("created_by").filter(pk=opportunity_id).first()
    if o is None:
        raise NotFound("No such opportunity.")
    if o.status != OpportunityStatus.IN_REVIEW:
        raise ConflictError("not_in_review", "This opportunity is not waiting for review.")
    return o


@transaction.atomic
def posting_review_approve(*, actor: User, opportunity_id: int) -> Opportunity:
    _require_admin(actor)
    o = _held(opportunity_id)
    flags = list(o.review_flags or [])
    released = opportunity_services.opportunity_release_from_review(opportunity_id=o.pk)
    PostingReview.objects.create(
        opportunity=released, flags=flags, decision="approved", decided_by=actor
    )
    audit.record(
        actor=actor,
        action="posting.approved",
        target=("opportunity", o.pk),
        before={"status": "in_review", "flags": [f.get("code") for f in flags]},
        after={"status": released.status},
    )
    _tell_poster(
        released, f"“{o.title}” is published", "A platform admin reviewed and approved it."
    )
    return released


@transaction.atomic
def posting_review_refuse(*, actor: User, opportunity_id: int, reason: str) -> Opportunity:
    _require_admin(actor)
    reason = reason.strip()
    if len(reason) < 5:
        raise DomainError("reason_required", "Tell the employer what to change.", "reason")
    if len(reason) > 2000:
        raise DomainError("reason_too_long", "Keep the reason under 2000 characters.", "reason")
    o = _held(opportunity_id)
    flags = list(o.review_flags or [])
    refused = opportunity_services.opportunity_refuse_after_review(opportunity_id=o.pk)
    PostingReview.objects.create(
        opportunity=refused, flags=flags, decision="refused", reason=reason, decided_by=actor
    )
    audit.record(
        actor=actor,
        action="posting.refused",
        target=("opportunity", o.pk),
        before={"status": "in_review", "flags": [f.get("code") for f in flags]},
        after={"status": refused.status, "reason": reason},
    )
    _tell_poster(
        refused,
        f"“{o.title}” was not published",
        f"{reason}\n\n"
        + (
            "It is a draft again: edit it and publish once more."
            if refused.status == OpportunityStatus.DRAFT
            else "It is closed."
        ),
    )
    return refused
