"""Which essential skills of a target occupation a candidate still lacks,
and which open opportunities would build them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from stint_engine.scoring.credit import skill_credit
from stint_engine.scoring.model import (
    Candidate,
    Opportunity,
    RequiredSkill,
    TaxonomyLike,
    skill_label,
)


@dataclass(frozen=True)
class Gap:
    skill_id: str
    label: str
    importance: float
    opportunities_that_build_it: tuple[str, ...]
    name: str = ""  # the plain name people use
    # A skill the candidate lists that covers this one in part (the crediting rule
    # fit and worth use), so a roadmap can say "close to your PostgreSQL (Advanced)".
    covered_by: str | None = None
    covered_by_name: str = ""
    covered_by_level: int | None = None


def skill_gaps(
    candidate: Candidate,
    occupation_id: str,
    taxonomy: TaxonomyLike,
    open_opportunities: Iterable[Opportunity] = (),
) -> list[Gap]:
    """Essential skills the candidate does not list, most important first (ties
    by label). Those a listed skill covers in part name it (`covered_by`).

    An opportunity builds a skill when it requires it; those needing it as
    essential come before those listing it as nice to have.
    """
    essential, _optional = taxonomy.occupation_skills(occupation_id)
    missing = [s for s in dict.fromkeys(essential) if s not in candidate.skills]
    builders: dict[str, list[tuple[int, str]]] = {s: [] for s in missing}
    for opp in open_opportunities:
        for r in opp.required_skills:
            if r.skill_id in builders:
                builders[r.skill_id].append((0 if r.need == "essential" else 1, opp.id))
    gaps = []
    for s in missing:
        credit = skill_credit(candidate, RequiredSkill(s), taxonomy)
        gaps.append(
            Gap(
                s,
                skill_label(taxonomy, s),
                taxonomy.skill_importance(s),
                tuple(dict.fromkeys(oid for _, oid in sorted(builders[s]))),
                credit.name,
                credit.via,
                credit.via_name,
                credit.via_level,
            )
        )
    gaps.sort(key=lambda g: (-g.importance, g.label, g.skill_id))
    return gaps
