"""Writes for references: the candidate asks, the employer's team writes or
declines, the candidate shows it on the portfolio or shares an expiring link."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError, NotFound
from stint.notifications.services import notify
from stint.reviews import rules, selectors
from stint.reviews.models import Reference, ReferenceShare, ReferenceStatus, ReferenceVisibility


def _members(organisation_id: int) -> list[User]:
    return list(
        User.objects.filter(memberships__organisation_id=organisation_id, is_active=True).distinct()
    )


def _clean(value: str, *, field: str, limit: int, label: str, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(f"{field}_required", f"{label} is required.", field)
    if len(value) > limit:
        raise DomainError(f"{field}_too_long", f"{label} is at most {limit} characters.", field)
    return value


@transaction.atomic
def reference_request(*, actor: User, engagement_id: int, message: str = "") -> Reference:
    engagement, _ = selectors.access_party_engagement(
        actor=actor, engagement_id=engagement_id, for_update=True, side=rules.CANDIDATE
    )
    if engagement.status not in rules.REFERENCE_AFTER:
        raise DomainError(
            "not_completed", "Ask for a reference once the work is approved.", "engagement_id"
        )
    message = _clean(message, field="message", limit=2000, label="The message")
    try:
        with transaction.atomic():
            ref = Reference.objects.create(
                engagement=engagement,
                candidate=actor,
                employer_id=engagement.employer_id,
                message=message,
            )
    except IntegrityError as exc:
        raise ConflictError(
            "reference_exists", "You already have a reference for this engagement.", "engagement_id"
        ) from exc
    for member in _members(engagement.employer_id):
        notify(
            user=member,
            kind="growth.reference",
            title=f"{actor.display_name} asks for a reference for {engagement.title}",
            body=message,
            url=reverse("growth_reference", args=[ref.pk]),
        )
    return ref


@transaction.atomic
def reference_write(*, actor: User, reference_id: int, text: str) -> Reference:
    ref, _ = selectors.access_reference(
        actor=actor, reference_id=reference_id, for_update=True, side=rules.EMPLOYER
    )
    if ref.status != ReferenceStatus.REQUESTED:
        raise ConflictError("not_requested", f"This reference is already {ref.status}.", "text")
    ref.text = _clean(text, field="text", limit=5000, label="The reference", required=True)
    ref.status = ReferenceStatus.WRITTEN
    ref.author = actor
    ref.decided_at = timezone.now()
    ref.save(update_fields=["text", "status", "author", "decided_at"])
    notify(
        user=ref.candidate,
        kind="growth.reference",
        title=f"{ref.employer.name} wrote your reference",
        url=reverse("growth_reference", args=[ref.pk]),
    )
    return ref


@transaction.atomic
def reference_decline(*, actor: User, reference_id: int, reason: str = "") -> Reference:
    ref, _ = selectors.access_reference(
        actor=actor, reference_id=reference_id, for_update=True, side=rules.EMPLOYER
    )
    if ref.status != ReferenceStatus.REQUESTED:
        raise ConflictError("not_requested", f"This reference is already {ref.status}.", "reason")
    ref.decline_reason = _clean(reason, field="reason", limit=1000, label="The reason")
    ref.status = ReferenceStatus.DECLINED
    ref.author = actor
    ref.decided_at = timezone.now()
    ref.save(update_fields=["decline_reason", "status", "author", "decided_at"])
    notify(
        user=ref.candidate,
        kind="growth.reference",
        title=f"{ref.employer.name} declined to write a reference",
        body=ref.decline_reason,
        url=reverse("growth_reference", args=[ref.pk]),
    )
    return ref


@transaction.atomic
def reference_set_visibility(*, actor: User, reference_id: int, visibility: str) -> Reference:
    ref, _ = selectors.access_reference(
        actor=actor, reference_id=reference_id, for_update=True, side=rules.CANDIDATE
    )
    if visibility not in ReferenceVisibility.values:
        raise DomainError("bad_visibility", "Choose private or portfolio.", "visibility")
    if ref.status != ReferenceStatus.WRITTEN:
        raise DomainError("not_written", "Only a written reference can be shown.", "visibility")
    ref.visibility = visibility
    ref.save(update_fields=["visibility"])
    return ref


# The salt is kept from before the move: links already shared keep working.
_SHARE_SALT = "stint.growth.reference-share"


def share_token(share: ReferenceShare) -> str:
    return signing.TimestampSigner(salt=_SHARE_SALT).sign_object([share.pk, share.nonce])


def share_url(share: ReferenceShare) -> str:
    return reverse("growth_reference_shared", args=[share_token(share)])


@dataclass(frozen=True)
class CreatedShare:
    share: ReferenceShare
    token: str
    url: str


@transaction.atomic
def reference_share_create(
    *, actor: User, reference_id: int, days: int = rules.SHARE_DAYS_DEFAULT, recipient: str = ""
) -> CreatedShare:
    ref, _ = selectors.access_reference(
        actor=actor, reference_id=reference_id, side=rules.CANDIDATE
    )
    if ref.status != ReferenceStatus.WRITTEN:
        raise DomainError("not_written", "Only a written reference can be shared.", "days")
    problem = rules.share_days_refusal(days)
    if problem:
        raise DomainError("bad_days", problem, "days")
    now = timezone.now()
    share = ReferenceShare.objects.create(
        reference=ref,
        nonce=secrets.token_hex(16),
        recipient=_clean(recipient, field="recipient", limit=200, label="The note"),
        expires_at=now + timedelta(days=days),
        created_at=now,
    )
    return CreatedShare(share=share, token=share_token(share), url=share_url(share))


@transaction.atomic
def reference_share_revoke(*, actor: User, share_id: int) -> ReferenceShare:
    share = ReferenceShare.objects.select_for_update().filter(pk=share_id).first()
    if share is None:
        raise NotFound("No such link.")
    selectors.access_reference(actor=actor, reference_id=share.reference_id, side=rules.CANDIDATE)
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])
    return share


def reference_by_token(token: str) -> Reference:
    """The reference a share link shows; NotFound when the signature is bad, the
    link expired (the signed timestamp and the row agree) or was revoked, or the
    reference is no longer a written one."""
    try:
        pk, nonce = signing.TimestampSigner(salt=_SHARE_SALT).unsign_object(
            token, max_age=timedelta(days=rules.SHARE_DAYS_MAX)
        )
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise NotFound("This link is not valid.") from exc
    share = (
        ReferenceShare.objects.select_related(
            "reference", "reference__employer", "reference__candidate"
        )
        .filter(pk=pk, nonce=nonce)
        .first()
    )
    now = timezone.now()
    if share is None or share.revoked_at is not None or share.expires_at <= now:
        raise NotFound("This link is not valid.")
    if share.reference.status != ReferenceStatus.WRITTEN:
        raise NotFound("This link is not valid.")
    return share.reference
