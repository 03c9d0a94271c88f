"""Thin engine calls for career growth: per-requirement skill credits (tailoring,
explore reasons), essential skills and ranked gaps of a target occupation
(roadmaps), the normalised occupation of a title, and the occupation of a whole
posting (title, summary and skills: explore and roadmaps).

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
from stint_engine.text import occupations as engine_occupations

if TYPE_CHECKING:
    from stint.accounts.models import User
    from stint.opportunities.models import Opportunity

__all__ = [
    "essential_skills",
    "goal_gaps",
    "occupation_of_opportunity",
    "occupation_of_title",
    "occupations_close",
    "occupations_of_opportunities",
    "occupations_of_skills",
    "requirement_credits",
    "skills_relating_to",
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
                "name": c.name,  # the plain name people use
                "via_name": c.via_name,
                "status": c.status,  # have | related | missing: the one crediting rule
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
    return [
        {"id": s, "label": engine.skill_label(s) or s, "name": engine.skill_name(s) or s}
        for s in dict.fromkeys(essential)
    ]


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
            "name": g.name or g.label,
            # A listed skill that covers it in part ("close to your PostgreSQL").
            "covered_by_name": g.covered_by_name,
            "covered_by_level": g.covered_by_level,
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


def occupation_of_opportunity(opportunity: Opportunity) -> tuple[str, str] | None:
    """(id, label) of the occupation a posting belongs to, read from its title, its
    summary and deliverables, and its required skills (not the title alone:
    "Quarterly financial summary for our board" is finance work, not a light board
    operator's). Cached per opportunity and version, so explore and roadmaps stay fast."""
    return occupations_of_opportunities([opportunity])[opportunity.pk]


_OCCUPATION_CACHE: dict[tuple[Any, ...], tuple[str, str] | None] = {}
_CACHE_SIZE = 4096


def occupations_of_opportunities(
    opportunities: Iterable[Opportunity],
) -> dict[int, tuple[str, str] | None]:
    """``occupation_of_opportunity`` for many postings, the uncached ones in one batch."""
    keys: dict[int, tuple[Any, ...]] = {}
    todo: dict[tuple[Any, ...], tuple[str, str, tuple[str, ...]]] = {}
    for o in opportunities:
        skill_ids = tuple(sorted(r.skill_id for r in o.skills.all()))
        description = " ".join([o.summary, o.deliverables])
        # the texts are part of the key too: an edit may not touch updated_at
        key = (
            o.pk,
            o.updated_at.isoformat() if o.updated_at else "",
            o.title,
            description,
            skill_ids,
        )
        keys[o.pk] = key
        if key not in _OCCUPATION_CACHE:
            todo[key] = (o.title, description, skill_ids)
    if todo:
        found = engine_occupations.occupations_of_postings(
            list(todo.values()), engine.taxonomy(), k=1
        )
        if len(_OCCUPATION_CACHE) + len(todo) > _CACHE_SIZE:
            _OCCUPATION_CACHE.clear()
        for key, top in zip(todo, found, strict=True):
            _OCCUPATION_CACHE[key] = (top[0][0].id, top[0][0].label) if top else None
    return {pk: _OCCUPATION_CACHE.get(key) for pk, key in keys.items()}


def occupations_of_skills(skill_ids: Iterable[str], k: int = 3) -> list[str]:
    """Occupations a person's skills already point to (listing at least half their
    weight): where they stand today, so no new direction even without a goal."""
    found = engine_occupations.occupation_of_posting(
        "", "", sorted(set(skill_ids)), engine.taxonomy(), k=k
    )
    return [occ.id for occ, _, evidence in found if evidence.skills >= 0.5]


def occupations_close(a: str, b: str) -> bool:
    """Neighbouring occupations: the same one, the same ISCO minor group, or sharing a
    quarter of their essential skills. Moving between them is no new direction."""
    return engine_occupations.close_occupations(a, b, engine.taxonomy())


def skills_relating_to(occupation_id: str, skill_ids: Iterable[str]) -> list[str]:
    """Those skills the occupation lists or lists a close relative of."""
    return engine_occupations.skills_relating_to(occupation_id, list(skill_ids), engine.taxonomy())
