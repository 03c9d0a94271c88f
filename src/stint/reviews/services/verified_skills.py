"""Skills an employer confirms a candidate demonstrated: each a VerifiedSkill, mirrored as a
"verified" SkillClaim on the candidate's profile (the engine reads SkillClaims)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError
from stint.engagements.models import Engagement
from stint.matching.engine import taxonomy
from stint.notifications.services import notify
from stint.profiles.models import CandidateProfile, SkillClaim, SkillSource
from stint.reviews import rules
from stint.reviews.models import VerifiedSkill
from stint.reviews.selectors import access_engagement, required_skills
from stint.reviews.services.common import _review_url


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
