"""Career goals: occupations (from the taxonomy) a candidate is working toward, at most
`rules.MAX_GOALS`."""

from __future__ import annotations

from django.db import transaction

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError
from stint.matching import engine
from stint.profiles import rules
from stint.profiles.models import CareerGoal
from stint.profiles.services.common import _child, _own, _touch


@transaction.atomic
def goal_add(*, actor: User, occupation_id: str) -> CareerGoal:
    profile = _own(actor)
    occupation_id = occupation_id.strip()
    label = engine.occupation_label(occupation_id) if occupation_id else None
    if label is None:
        raise DomainError(
            "unknown_occupation",
            "Choose an occupation from the list of matches.",
            "occupation_id",
        )
    if profile.goals.filter(occupation_id=occupation_id).exists():
        raise ConflictError(
            "goal_exists", f"“{label}” is already one of your goals.", "occupation_id"
        )
    if profile.goals.count() >= rules.MAX_GOALS:
        raise ConflictError(
            "too_many_goals",
            f"Keep at most {rules.MAX_GOALS} career goals; remove one first.",
            "occupation_id",
        )
    goal = CareerGoal.objects.create(profile=profile, occupation_id=occupation_id, label=label)
    _touch(profile)
    return goal


@transaction.atomic
def goal_remove(*, actor: User, goal_id: int) -> None:
    profile = _own(actor)
    _child(CareerGoal, profile, goal_id, "career goal").delete()
    _touch(profile)
