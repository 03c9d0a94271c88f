"""Which essential skills of a target occupation a candidate still lacks,
and which open opportunities would build them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from stint_engine.scoring.model import Candidate, Opportunity, TaxonomyLike, skill_label


@dataclass(frozen=True)
class Gap:
    skill_id: str
    label: str
    importance: float
    opportunities_that_build_it: tuple[str, ...]


def skill_gaps(
    candidate: Candidate,
    occupation_id: str,
    taxonomy: TaxonomyLike,
    open_opportunities: Iterable[Opportunity] = (),
) -> list[Gap]:
    """Missing essential skills, most important first (ties by label).

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
    gaps = [
        Gap(
            s,
            skill_label(taxonomy, s),
            taxonomy.skill_importance(s),
            tuple(dict.fromkeys(oid for _, oid in sorted(builders[s]))),
        )
        for s in missing
    ]
    gaps.sort(key=lambda g: (-g.importance, g.label, g.skill_id))
    return gaps
