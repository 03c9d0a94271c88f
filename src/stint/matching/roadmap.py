"""Thin engine calls for career growth: per-requirement skill credits (tailoring,
explore reasons), essential skills and ranked gaps of a target occupation
(roadmaps), and the normalised occupation of a title (explore).

Like `stint.matching.engine`, it hands back plain dicts, never engine objects.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from stint.matching import engine
from stint_engine.scoring import model as em
from stint_engine.scoring.fit import skill_credit
from stint_engine.scoring.gaps import skill_gaps

if TYPE_CHECKING:
    from stint.accounts.models import User
    from stint.opportunities.models import Opportunity

__all__ = [
    "essential_skills",
    "goal_gaps",
    "occupation_of_title",
    "requirement_credits",
]


def requirement_credits(
    user: User, opportunity: Opportunity, candidate: em.Candidate | None = None
) -> list[dict[str, Any]]:
    """For each skill the posting asks for: the engine's credit for this candidate,
    the skill that earned it (`via`: the same id when held, a related one otherwise,
    None when nothing counts), and the source of the held skill."""
    candidate = candidate or engine.candidate_data(user)
    target = engine.opportunity_data(opportunity)
    taxonomy = engine.taxonomy()
    out = []
    for required in target.required_skills:
        c = skill_credit(candidate, required, taxonomy)
        held = candidate.skills.get(c.via) if c.via else None
        out.append(
            {
                "skill_id": required.skill_id,
                "label": c.label,
                "need": required.need,
                "level": required.level,
                "credit": round(c.credit, 4),
                "via": c.via,
                "via_label": c.via_label,
                "direct": c.via == required.skill_id,
                "source": held.source if held else None,
                "level_short": c.level_short,
            }
        )
    return out


def essential_skills(occupation_id: str) -> list[dict[str, str]]:
    """The occupation's essential skills (id, label); empty for an unknown occupation."""
    try:
        essential, _ = engine.taxonomy().occupation_skills(occupation_id)
    except KeyError:
        return []
    return [{"id": s, "label": engine.skill_label(s) or s} for s in dict.fromkeys(essential)]


def goal_gaps(
    user: User, occupation_id: str, open_opportunities: Iterable[Opportunity] = ()
) -> list[dict[str, Any]]:
    """Missing essential skills of the occupation, most important first, each with
    the ids of open opportunities that require it (essential need first)."""
    candidate = engine.candidate_data(user)
    try:
        gaps = skill_gaps(
            candidate,
            occupation_id,
            engine.taxonomy(),
            [engine.opportunity_data(o) for o in open_opportunities],
        )
    except KeyError:
        return []
    return [
        {
            "skill_id": g.skill_id,
            "label": g.label,
            "importance": round(g.importance, 4),
            "opportunity_ids": [int(i) for i in g.opportunities_that_build_it],
        }
        for g in gaps
    ]


@lru_cache(maxsize=4096)
def occupation_of_title(title: str) -> tuple[str, str] | None:
    """(id, label) of the best normalised occupation for a job title."""
    found = engine.search_occupations(title, k=1)
    return (found[0]["id"], found[0]["label"]) if found else None
