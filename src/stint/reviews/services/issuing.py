"""A candidate's signed Open Badges 3.0 credential for a completed engagement: the document,
issuing it once with a slot in the revocation status lists, and revoking it (the signing itself
is `stint.reviews.credentials`)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from stint.accounts.models import User
from stint.audit import services as audit
from stint.core.errors import ConflictError, DomainError, Forbidden, NotFound
from stint.engagements.models import Engagement
from stint.matching.engine import taxonomy
from stint.notifications.services import notify
from stint.reviews import credentials, rules
from stint.reviews.models import Credential
from stint.reviews.selectors import access_engagement, required_skills
from stint.reviews.services.common import _review_url


def _alignment(engagement: Engagement) -> list[dict[str, Any]]:
    verified = list(engagement.verified_skills.order_by("label"))
    pairs = (
        [(v.skill_id, v.label) for v in verified]
        if verified
        else [(s["id"], s["label"]) for s in required_skills(engagement)]
    )
    out = []
    for skill_id, label in pairs:
        try:
            skill = taxonomy().skill(skill_id)
        except KeyError:
            continue
        out.append(
            {
                "type": ["Alignment"],
                "targetName": skill.label or label,
                "targetUrl": skill.uri,
                "targetType": "ceterms:Skill",
                "targetFramework": "ESCO",
            }
        )
    return out


def credential_document(
    engagement: Engagement,
    credential_uuid: uuid.UUID,
    status: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """The unsigned Open Badges 3.0 credential of a completed engagement; `status` is
    its (list, index) in the revocation status list."""
    completed_at = engagement.paid_at or engagement.approved_at or engagement.updated_at
    verified = list(engagement.verified_skills.order_by("label"))
    narrative = (
        f"Completed a paid micro-internship for {engagement.employer.name}, whose team "
        f"approved the deliverables on Stint"
        + (
            f" and verified these skills: {', '.join(v.label for v in verified)}."
            if verified
            else "."
        )
    )
    achievement_id = uuid.uuid5(
        uuid.NAMESPACE_URL, f"{credentials.site_url()}/engagement/{engagement.pk}"
    )
    description = engagement.scope.strip()[:2000] or engagement.title
    extra: dict[str, Any] = {}
    if status is not None:
        extra["credentialStatus"] = credentials.status_entry(*status)
    return {
        **extra,
        "@context": list(credentials.CONTEXTS),
        "id": f"urn:uuid:{credential_uuid}",
        "type": list(credentials.TYPES),
        "name": f"{engagement.title} · Stint micro-internship",
        "issuer": credentials.issuer(),
        "validFrom": credentials.iso(completed_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            # The holder's name as the verify page reads it (signed with the rest: JCS).
            "name": engagement.candidate.display_name,
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": engagement.candidate.display_name,
                },
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "identityHash": "sha256$"
                    + hashlib.sha256(
                        (engagement.candidate.email.lower() + str(credential_uuid)).encode()
                    ).hexdigest(),
                    "salt": str(credential_uuid),
                },
            ],
            "activityEndDate": credentials.iso(completed_at),
            "achievement": {
                "id": f"urn:uuid:{achievement_id}",
                "type": ["Achievement"],
                "name": engagement.title,
                "description": description,
                "criteria": {"narrative": narrative},
                "alignment": _alignment(engagement),
                "creator": {
                    "id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{credentials.site_url()}/org/{engagement.employer_id}')}",
                    "type": ["Profile"],
                    "name": engagement.employer.name,
                },
            },
        },
    }


@transaction.atomic
def credential_issue(*, actor: User, engagement_id: int) -> tuple[Credential, bool]:
    """The candidate's signed credential for a completed engagement, issued once
    (later calls return the same document). Returns (credential, created)."""
    engagement, _ = access_engagement(
        actor=actor, engagement_id=engagement_id, for_update=True, side=rules.CANDIDATE
    )
    existing = Credential.objects.filter(engagement=engagement).first()
    if existing is not None:
        if existing.revoked:
            raise ConflictError(
                "credential_revoked",
                f"This credential was revoked on {existing.revoked_at:%Y-%m-%d} "
                f"({existing.revocation_reason}); it is not issued again.",
            )
        return existing, False
    if engagement.status not in rules.COMPLETED:
        raise ConflictError(
            "not_completed", "A credential is issued once the engagement is paid or resolved."
        )
    credential_uuid = uuid.uuid4()
    now = timezone.now()
    key = credentials.platform_key()
    credentials.remember_key(key.public_key())  # published for as long as we exist
    for _ in range(5):  # another issue may take the same status slot at the same moment
        slot = _status_slot()
        document = credentials.sign(
            credential_document(engagement, credential_uuid, status=slot), created=now, key=key
        )
        try:
            with transaction.atomic():
                credential = Credential.objects.create(
                    engagement=engagement,
                    uuid=credential_uuid,
                    document=document,
                    created_at=now,
                    status_list=slot[0],
                    status_index=slot[1],
                )
        except IntegrityError:
            continue
        return credential, True
    raise ConflictError("busy", "Too many credentials are being issued at once; try again.")


def _status_slot() -> tuple[int, int]:
    """A free (list, index) in the revocation status lists, picked at random so that a
    list says nothing about the order credentials were issued in."""
    size = credentials.STATUS_LIST_SIZE
    list_no = 1
    while Credential.objects.filter(status_list=list_no).count() >= size:
        list_no += 1
    taken = Credential.objects.filter(status_list=list_no)
    for _ in range(20):
        index = secrets.randbelow(size)
        if not taken.filter(status_index=index).exists():
            return list_no, index
    used = set(taken.values_list("status_index", flat=True))  # nearly full: look for a gap
    return list_no, next(i for i in range(size) if i not in used)


@transaction.atomic
def credential_revoke(*, actor: User, engagement_id: int, reason: str) -> Credential:
    """Revoke an engagement's credential: its candidate may (they exported it), and so
    may a platform admin (e.g. after a dispute). From then on verification reports it
    revoked with the date and reason, and the status list sets its bit."""
    engagement, side = access_engagement(actor=actor, engagement_id=engagement_id, for_update=True)
    if side != rules.CANDIDATE and not actor.is_staff:
        raise Forbidden("Only the candidate or a platform admin can revoke this credential.")
    credential = Credential.objects.select_for_update().filter(engagement=engagement).first()
    if credential is None:
        raise NotFound("No credential has been issued for this engagement.")
    reason = " ".join((reason or "").split())
    if len(reason) < 3:
        raise DomainError(
            "reason_required", "Say why it is revoked (at least 3 characters).", "reason"
        )
    if len(reason) > 300:
        raise DomainError("reason_too_long", "Keep the reason to 300 characters.", "reason")
    if credential.revoked:
        raise ConflictError(
            "already_revoked", f"This credential was revoked on {credential.revoked_at:%Y-%m-%d}."
        )
    credential.revoked_at = timezone.now()
    credential.revoked_by = actor
    credential.revocation_reason = reason
    credential.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    audit.record(
        actor=actor,
        action="credential.revoked",
        target=("credential", credential.pk),
        after={"engagement": engagement.pk, "reason": reason},
    )
    if actor.pk != engagement.candidate_id:
        notify(
            user=engagement.candidate,
            kind="credential.revoked",
            title=f"Your credential for “{engagement.title}” was revoked",
            body=f"A platform admin revoked it: {reason}",
            url=_review_url(engagement),
        )
    return credential
