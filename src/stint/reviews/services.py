"""Writes for reviews, verified skills, portfolios, credentials and follow-up offers.

Row locks are always taken in one order: Engagement → Review / FollowUpOffer →
CandidateProfile (for verified skill claims).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from stint.accounts.models import User
from stint.audit import services as audit
from stint.core.errors import ConflictError, DomainError, Forbidden, NotFound
from stint.engagements.models import Engagement
from stint.events import services as events
from stint.matching.engine import taxonomy
from stint.notifications.services import notify
from stint.orgs.models import Membership
from stint.profiles.models import CandidateProfile, SkillClaim, SkillSource
from stint.reviews import credentials, rules
from stint.reviews.models import (
    Credential,
    FollowUpKind,
    FollowUpOffer,
    FollowUpStatus,
    Portfolio,
    Review,
    SigningKey,
    VerifiedSkill,
)
from stint.reviews.selectors import (
    STAFF,
    access_engagement,
    access_follow_up,
    approval_time,
    required_skills,
)


def _review_url(engagement: Engagement) -> str:
    return reverse("review_engagement", args=[engagement.pk])


def _employer_members(engagement_or_org_id: int, *, exclude: User | None = None) -> list[User]:
    members = Membership.objects.filter(organisation_id=engagement_or_org_id).select_related("user")
    return [
        m.user for m in members if m.user.is_active and (exclude is None or m.user_id != exclude.pk)
    ]


# --- Reviews -------------------------------------------------------------------------------


@transaction.atomic
def review_create(
    *,
    actor: User,
    engagement_id: int,
    ratings: Mapping[str, Any],
    skill_ratings: Mapping[str, Any] | None = None,
    text: str = "",
    verified_skills: Mapping[str, Any] | None = None,
) -> Review:
    """The actor's side reviews the engagement, once, after approval. The employer side
    may confirm demonstrated skills in the same call (`verified_skills`: id → level)."""
    engagement, side = access_engagement(actor=actor, engagement_id=engagement_id, for_update=True)
    if side == STAFF:
        raise Forbidden("Only the people in this engagement review it.")
    approved = approval_time(engagement)
    now = timezone.now()
    refusal = rules.review_refusal(
        status=engagement.status,
        approved_at=approved,
        now=now,
        reveal_days=settings.STINT_REVIEW_REVEAL_DAYS,
    )
    if refusal:
        raise ConflictError(*refusal)
    if engagement.reviews.filter(side=side).exists():
        raise ConflictError("already_reviewed", "You have already reviewed this engagement.")
    bad = rules.ratings_refusal(side, ratings)
    if bad:
        raise DomainError("bad_rating", bad[1], bad[0])
    skill_ratings = dict(skill_ratings or {})
    allowed = [s["id"] for s in required_skills(engagement)]
    bad = rules.skill_ratings_refusal(side, skill_ratings, allowed)
    if bad:
        raise DomainError("bad_skill_rating", bad[1], bad[0])
    text = (text or "").strip()
    if len(text) > rules.TEXT_MAX:
        raise DomainError("text_too_long", "Keep the review under 4000 characters.", "text")
    if verified_skills and side != rules.EMPLOYER:
        raise DomainError(
            "not_employer", "Only the employer confirms demonstrated skills.", "verified_skills"
        )
    try:
        with transaction.atomic():
            review = Review.objects.create(
                engagement=engagement,
                side=side,
                author=actor,
                ratings={k: int(ratings[k]) for k in rules.dimension_names(side)},
                skill_ratings={k: int(v) for k, v in skill_ratings.items()},
                text=text,
                created_at=now,
            )
    except IntegrityError as exc:  # pragma: no cover - the engagement row is locked
        raise ConflictError("already_reviewed", "This side has already reviewed.") from exc
    reviews = list(engagement.reviews.all())
    visible = rules.visible_at(
        approved_at=approved,
        reviews_created_at=[r.created_at for r in reviews],
        reveal_days=settings.STINT_REVIEW_REVEAL_DAYS,
    )
    Review.objects.filter(engagement=engagement).update(visible_at=visible)
    review.visible_at = visible
    if verified_skills:
        _verify(actor=actor, engagement=engagement, levels=verified_skills)
    both = len(reviews) >= 2
    title = (
        f"Reviews of {engagement.title} are now visible"
        if both
        else f"You have a review waiting on {engagement.title}"
    )
    body = (
        "Both sides have reviewed: read what they wrote."
        if both
        else "Write yours to see it; both become visible when you do, or when the window closes."
    )
    recipients = (
        [engagement.candidate]
        if side == rules.EMPLOYER
        else _employer_members(engagement.employer_id)
    )
    for user in recipients:
        notify(
            user=user, kind="review.received", title=title, body=body, url=_review_url(engagement)
        )
    events.record(
        "review.received",
        organisation=engagement.employer_id,
        users=[engagement.candidate_id],
        resource=review,
        data={"review_id": review.pk, "engagement_id": engagement.pk, "side": side},
    )
    return review


# --- Verified skills ---------------------------------------------------------------------------


def _profile_for(candidate: User) -> CandidateProfile:
    profile, _ = CandidateProfile.objects.get_or_create(user=candidate)
    return CandidateProfile.objects.select_for_update().get(pk=profile.pk)


def _label(skill_id: str, fallback: str) -> str:
    try:
        return taxonomy().skill(skill_id).label
    except KeyError:
        return fallback


def _verify(
    *, actor: User, engagement: Engagement, levels: Mapping[str, Any]
) -> list[VerifiedSkill]:
    if engagement.status not in rules.VERIFIABLE:
        raise ConflictError(
            "not_approved", "Skills can be confirmed once the employer has approved the work."
        )
    skills = {s["id"]: s for s in required_skills(engagement)}
    bad = rules.skill_levels_refusal(levels, skills)
    if bad:
        raise DomainError("bad_skill", bad[1], bad[0])
    now = timezone.now()
    rows = []
    for skill_id, level in levels.items():
        row, created = VerifiedSkill.objects.get_or_create(
            engagement=engagement,
            skill_id=skill_id,
            defaults={
                "candidate_id": engagement.candidate_id,
                "label": _label(skill_id, skills[skill_id]["label"]),
                "level": int(level),
                "verified_by": actor,
                "created_at": now,
            },
        )
        if not created and (row.level != int(level) or row.verified_by_id != actor.pk):
            row.level = int(level)
            row.verified_by = actor
            row.save(update_fields=["level", "verified_by"])
        rows.append(row)
    _sync_claims(engagement.candidate, list(levels))
    return rows


def _sync_claims(candidate: User, skill_ids: list[str]) -> None:
    """Upsert the candidate's SkillClaims for these skills with source "verified" at the
    highest level any employer verified (the engine reads SkillClaims)."""
    profile = _profile_for(candidate)
    for skill_id in skill_ids:
        verified = VerifiedSkill.objects.filter(candidate=candidate, skill_id=skill_id)
        best = max(verified.values_list("level", flat=True), default=None)
        if best is None:
            continue
        label = verified.order_by("-created_at").values_list("label", flat=True).first() or skill_id
        claim = SkillClaim.objects.filter(profile=profile, skill_id=skill_id).first()
        if claim is None:
            SkillClaim.objects.create(
                profile=profile,
                skill_id=skill_id,
                label=label,
                level=best,
                source=SkillSource.VERIFIED,
            )
        elif claim.source != SkillSource.VERIFIED or claim.level != best:
            claim.source = SkillSource.VERIFIED
            claim.level = best
            claim.save(update_fields=["source", "level"])
    profile.updated_at = timezone.now()
    profile.save(update_fields=["updated_at"])


@transaction.atomic
def verified_skills_confirm(
    *, actor: User, engagement_id: int, levels: Mapping[str, Any]
) -> list[VerifiedSkill]:
    """A member of the employer confirms skills (id → level 1-4) the candidate
    demonstrated; each becomes a VerifiedSkill and a "verified" SkillClaim."""
    engagement, _ = access_engagement(
        actor=actor, engagement_id=engagement_id, for_update=True, side=rules.EMPLOYER
    )
    rows = _verify(actor=actor, engagement=engagement, levels=levels)
    labels = ", ".join(r.label for r in rows)
    notify(
        user=engagement.candidate,
        kind="skills.verified",
        title=f"{engagement.employer.name} verified your skills",
        body=f"From {engagement.title}: {labels}. They now show as verified on your profile.",
        url=_review_url(engagement),
    )
    return rows


# --- Portfolio -----------------------------------------------------------------------------------


def _default_slug(user: User) -> str:
    base = slugify(user.display_name)[:40].strip("-") or "candidate"
    if len(base) < 3 or base in rules.RESERVED_SLUGS:
        base = f"{base}-profile"
    slug, n = base, 2
    while Portfolio.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def portfolio_get_or_create(*, actor: User) -> Portfolio:
    if not actor.is_authenticated or not actor.is_candidate:
        raise Forbidden("Portfolios are for candidates. Turn on the candidate role first.")
    portfolio = Portfolio.objects.filter(user=actor).first()
    if portfolio is not None:
        return portfolio
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.pk).first()
        portfolio, _ = Portfolio.objects.get_or_create(
            user=actor, defaults={"slug": _default_slug(actor)}
        )
    return portfolio


@transaction.atomic
def portfolio_update(
    *,
    actor: User,
    public: bool | None = None,
    headline: str | None = None,
    slug: str | None = None,
) -> Portfolio:
    portfolio = portfolio_get_or_create(actor=actor)
    portfolio = Portfolio.objects.select_for_update().get(pk=portfolio.pk)
    if slug is not None:
        slug = slug.strip().lower()
        refusal = rules.slug_refusal(slug)
        if refusal:
            raise DomainError("bad_slug", refusal, "slug")
        if Portfolio.objects.filter(slug=slug).exclude(pk=portfolio.pk).exists():
            raise ConflictError("slug_taken", "That address is taken; choose another.", "slug")
        portfolio.slug = slug
    if headline is not None:
        headline = headline.strip()
        if len(headline) > 140:
            raise DomainError(
                "headline_too_long", "Keep the headline under 140 characters.", "headline"
            )
        portfolio.headline = headline
    if public is not None:
        portfolio.public = bool(public)
    portfolio.updated_at = timezone.now()
    try:
        with transaction.atomic():
            portfolio.save()
    except IntegrityError as exc:
        raise ConflictError("slug_taken", "That address is taken; choose another.", "slug") from exc
    return portfolio


# --- Credentials -----------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class Rotation:
    old_key_id: str | None
    new_key_id: str
    written_to: Path
    pending_deploy: bool  # STINT_SIGNING_KEY must still be set to the new key


def signing_key_rotate(*, output: str | Path | None = None) -> Rotation:
    """Make a new signing key and keep every old public key published (so credentials
    they signed still verify). In development the key file under var/ is replaced
    and new credentials are signed with the new key at once (other running processes
    after a restart; until then they sign with the old key, which stays valid). With
    STINT_SIGNING_KEY set, the new key is written to `output` for the operator to
    deploy, and is published from now on."""
    from_env = credentials.key_from_environment()
    if from_env and not output:
        raise DomainError(
            "output_required",
            "STINT_SIGNING_KEY is set: give a file for the new key (--output), then set "
            "STINT_SIGNING_KEY to its contents and restart.",
            "output",
        )
    target = Path(output) if output else None
    if target is not None and target.exists():
        raise DomainError("output_exists", f"{target} exists; choose a new file.", "output")
    try:
        old = credentials.platform_key()
    except ImproperlyConfigured:
        old = None  # production without a key yet: this makes the first
    new = Ed25519PrivateKey.generate()
    now = timezone.now()
    new_multibase = credentials.public_multibase(new.public_key())
    with transaction.atomic():
        if old is not None:
            credentials.remember_key(old.public_key())
        SigningKey.objects.filter(retired_at__isnull=True).update(retired_at=now)
        key = SigningKey.objects.create(public_multibase=new_multibase, created_at=now)
        # An operator's command: no user acts.
        audit.record(
            actor=None,
            action="signing_key.rotated",
            target=("signing_key", key.pk),
            after={"key_id": credentials.key_id(new.public_key()), "pending_deploy": from_env},
        )
    written = credentials.write_key_for_environment(new, target) if target is not None else None
    if not from_env:
        written = credentials.write_development_key(new)
    assert written is not None
    return Rotation(
        old_key_id=credentials.key_id(old.public_key()) if old is not None else None,
        new_key_id=credentials.key_id(new.public_key()),
        written_to=written,
        pending_deploy=from_env,
    )


# --- Follow-up offers ------------------------------------------------------------------------------


@transaction.atomic
def follow_up_create(
    *, actor: User, engagement_id: int, kind: str, role_title: str, message: str = ""
) -> FollowUpOffer:
    """A member of the employer invites the past intern (engagement paid) to a longer role."""
    engagement, _ = access_engagement(
        actor=actor, engagement_id=engagement_id, for_update=True, side=rules.EMPLOYER
    )
    if kind not in FollowUpKind.values:
        raise DomainError("bad_kind", "Choose an internship, a job or another project.", "kind")
    role_title = (role_title or "").strip()
    if len(role_title) < 2:
        raise DomainError(
            "role_title_required", "Name the role (at least 2 characters).", "role_title"
        )
    if len(role_title) > 140:
        raise DomainError(
            "role_title_too_long", "Keep the role title under 140 characters.", "role_title"
        )
    message = (message or "").strip()
    if len(message) > 4000:
        raise DomainError("message_too_long", "Keep the message under 4000 characters.", "message")
    if engagement.status not in rules.FOLLOW_UP_ELIGIBLE:
        raise ConflictError("not_paid", "Follow-up offers can be made once the engagement is paid.")
    if engagement.follow_ups.filter(status=FollowUpStatus.OFFERED).exists():
        raise ConflictError("already_offered", "An offer for this engagement is already open.")
    try:
        with transaction.atomic():
            offer = FollowUpOffer.objects.create(
                engagement=engagement,
                employer_id=engagement.employer_id,
                candidate_id=engagement.candidate_id,
                kind=kind,
                role_title=role_title,
                message=message,
                created_by=actor,
            )
    except IntegrityError as exc:  # pragma: no cover - the engagement row is locked
        raise ConflictError(
            "already_offered", "An offer for this engagement is already open."
        ) from exc
    notify(
        user=engagement.candidate,
        kind="follow_up.offered",
        title=f"{engagement.employer.name} invites you to {_with_article(offer.get_kind_display().lower())}: {role_title}",
        body=message[:500],
        url=reverse("review_follow_ups"),
    )
    return offer


def _decide(*, actor: User, follow_up_id: int, target: str, side: str) -> FollowUpOffer:
    offer, mine = access_follow_up(actor=actor, follow_up_id=follow_up_id, for_update=True)
    if mine != side:
        raise Forbidden(
            "Only the candidate answers a follow-up offer."
            if side == rules.CANDIDATE
            else "Only the employer's team withdraws its offer."
        )
    if offer.status != FollowUpStatus.OFFERED:
        raise ConflictError(
            "not_open", f"This offer is already {offer.get_status_display().lower()}."
        )
    offer.status = target
    offer.decided_at = timezone.now()
    offer.save(update_fields=["status", "decided_at"])
    return offer


@transaction.atomic
def follow_up_accept(*, actor: User, follow_up_id: int) -> FollowUpOffer:
    offer = _decide(
        actor=actor, follow_up_id=follow_up_id, target=FollowUpStatus.ACCEPTED, side=rules.CANDIDATE
    )
    _tell_employer(offer, "accepted")
    return offer


@transaction.atomic
def follow_up_decline(*, actor: User, follow_up_id: int) -> FollowUpOffer:
    offer = _decide(
        actor=actor, follow_up_id=follow_up_id, target=FollowUpStatus.DECLINED, side=rules.CANDIDATE
    )
    _tell_employer(offer, "declined")
    return offer


@transaction.atomic
def follow_up_withdraw(*, actor: User, follow_up_id: int) -> FollowUpOffer:
    offer = _decide(
        actor=actor, follow_up_id=follow_up_id, target=FollowUpStatus.WITHDRAWN, side=rules.EMPLOYER
    )
    notify(
        user=offer.candidate,
        kind="follow_up.decided",
        title=f"{offer.employer.name} withdrew its offer: {offer.role_title}",
        url=reverse("review_follow_ups"),
    )
    return offer


def _tell_employer(offer: FollowUpOffer, verb: str) -> None:
    for user in _employer_members(offer.employer_id):
        notify(
            user=user,
            kind="follow_up.decided",
            title=f"{offer.candidate.display_name} {verb} your offer: {offer.role_title}",
            url=reverse("review_follow_ups"),
        )


def _with_article(noun: str) -> str:
    """“a longer role”, “an internship”, but “another project” stands alone."""
    if noun.startswith(("another ", "the ")):
        return noun
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"
