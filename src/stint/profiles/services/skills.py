"""Skills a candidate claims, each with a level from 1 (basic) to 4 (expert)."""

from __future__ import annotations

from django.db import transaction

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError
from stint.matching import engine
from stint.profiles import rules
from stint.profiles.models import SkillClaim, SkillSource
from stint.profiles.services.common import _child, _own, _touch


def _level(level: int) -> int:
    if not rules.is_skill_level(level):
        raise DomainError("bad_level", "A skill level is 1 (basic), 2, 3 or 4 (expert).", "level")
    return level


def _skill_label(skill_id: str) -> str:
    label = engine.skill_label(skill_id.strip()) if skill_id.strip() else None
    if label is None:
        raise DomainError(
            "unknown_skill", "Choose a skill from the list of suggestions.", "skill_id"
        )
    return label


@transaction.atomic
def skill_add(*, actor: User, skill_id: str, level: int) -> SkillClaim:
    profile = _own(actor)
    label = _skill_label(skill_id)
    _level(level)
    skill_id = skill_id.strip()
    if profile.skills.filter(skill_id=skill_id).exists():
        raise ConflictError(
            "skill_exists",
            f"{label} is already on your profile; change its level there.",
            "skill_id",
        )
    claim = SkillClaim.objects.create(
        profile=profile, skill_id=skill_id, label=label, level=level, source=SkillSource.SELF
    )
    _touch(profile)
    return claim


@transaction.atomic
def skill_update(*, actor: User, claim_id: int, level: int) -> SkillClaim:
    profile = _own(actor)
    claim = _child(SkillClaim, profile, claim_id, "skill")
    _level(level)
    if not rules.may_change_skill_level(claim.source) and level != claim.level:
        raise ConflictError(
            "skill_verified",
            f"An employer verified your {claim.label} level; it stays as they confirmed it.",
            "level",
        )
    claim.level = level
    claim.save(update_fields=["level"])
    _touch(profile)
    return claim


@transaction.atomic
def skill_remove(*, actor: User, claim_id: int) -> None:
    profile = _own(actor)
    _child(SkillClaim, profile, claim_id, "skill").delete()
    _touch(profile)
