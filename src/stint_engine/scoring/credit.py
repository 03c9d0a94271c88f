"""One crediting rule for fit, worth and gaps.

A skill someone asks for is, for a given candidate, exactly one of:
- "have": the candidate lists it;
- "related": the candidate lists a skill that covers it: the same ESCO
  skill-skill relation, hierarchy link (broader / narrower) or tool link with
  relatedness at least COVER_MIN (siblings under a large group and other weak
  neighbours do not count, so they are never credited and never named);
- "missing": neither.

The same `covers` test decides whether a posting's skill leads toward a goal
occupation's skill, so "you have X" / "X is missing" / "X leads toward your goal"
never disagree between the fit, worth-it and gap views.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass

from stint_engine.scoring.model import (
    Candidate,
    CandidateSkill,
    Need,
    RequiredSkill,
    SkillStatus,
    TaxonomyLike,
    skill_label,
    skill_name,
)

COVER_MIN = 0.5  # weakest relatedness that counts: optional ESCO relation, broader/narrower, tools
RELATED_CREDIT = 0.6
SOURCE_FACTOR = {"verified": 1.0, "resume": 0.95, "self": 0.9}
GOAL_OPTIONAL_WEIGHT = 0.5


def level_factor(have: int, need: int) -> float:
    return max(0.25, 1.0 - 0.25 * max(0, need - have))


def held_credit(held: CandidateSkill, need_level: int) -> float:
    return level_factor(held.level, need_level) * SOURCE_FACTOR.get(held.source, 0.9)


_CACHE_ATTR = "_covering_neighbours"


def neighbours(taxonomy: TaxonomyLike, skill_id: str) -> dict[str, float]:
    """Skills that cover `skill_id` (relatedness >= COVER_MIN), with their strength.
    Kept on the taxonomy object (read-only once loaded): filtering a large sibling
    group on every call was most of `fit`'s time."""
    cache: dict[str, dict[str, float]] | None = getattr(taxonomy, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        # A taxonomy with __slots__ gets no cache: the same answers, slower.
        with contextlib.suppress(AttributeError):
            setattr(taxonomy, _CACHE_ATTR, cache)
    found = cache.get(skill_id)
    if found is None:
        try:
            related = taxonomy.related(skill_id)
        except KeyError:
            related = {}
        found = {s: w for s, w in related.items() if w >= COVER_MIN and s != skill_id}
        cache[skill_id] = found
    return found


def covers(taxonomy: TaxonomyLike, held_id: str, wanted_id: str) -> float:
    """How strongly `held_id` covers `wanted_id`: 1 for the same skill, the
    relatedness when it counts, else 0."""
    if held_id == wanted_id:
        return 1.0
    return neighbours(taxonomy, wanted_id).get(held_id, 0.0)


@dataclass(frozen=True)
class SkillCredit:
    required: RequiredSkill
    label: str  # the taxonomy's label
    credit: float
    via: str | None  # skill id that earned the credit (the same id when held)
    via_label: str = ""
    level_short: int = 0  # required level minus held level (of `via`, when there is one)
    status: SkillStatus = "missing"
    name: str = ""  # the plain name people use
    via_name: str = ""
    via_level: int | None = None  # the candidate's level of `via`
    strength: float = 0.0  # 1 when held; the relatedness of `via` otherwise


def skill_credit(
    candidate: Candidate, required: RequiredSkill, taxonomy: TaxonomyLike
) -> SkillCredit:
    """The credit a candidate earns for one asked-for skill, and why."""
    sid = required.skill_id
    label, name = skill_label(taxonomy, sid), skill_name(taxonomy, sid)
    held = candidate.skills.get(sid)
    if held is not None:
        return SkillCredit(
            required,
            label,
            held_credit(held, required.level),
            sid,
            label,
            max(0, required.level - held.level),
            "have",
            name,
            name,
            held.level,
            1.0,
        )
    near = neighbours(taxonomy, sid)
    best, via = 0.0, None
    if len(candidate.skills) < len(near):
        pairs = ((s, near[s]) for s in candidate.skills if s in near)
    else:
        pairs = ((s, r) for s, r in near.items() if s in candidate.skills)
    for other, strength in pairs:
        credit = RELATED_CREDIT * strength * held_credit(candidate.skills[other], required.level)
        if credit > best or (credit == best and via is not None and other < via):
            best, via = credit, other
    if via is None:
        return SkillCredit(required, label, 0.0, None, "", 0, "missing", name)
    other_level = candidate.skills[via].level
    return SkillCredit(
        required,
        label,
        best,
        via,
        skill_label(taxonomy, via),
        max(0, required.level - other_level),
        "related",
        name,
        skill_name(taxonomy, via),
        other_level,
        near[via],
    )


def goal_skill_weights(candidate: Candidate, taxonomy: TaxonomyLike) -> dict[str, float]:
    """Skill id -> how much it leads toward the candidate's goal occupations
    (essential skills 1, optional ones GOAL_OPTIONAL_WEIGHT)."""
    weights: dict[str, float] = {}
    for occ in candidate.goal_occupation_ids:
        try:
            essential, optional = taxonomy.occupation_skills(occ)
        except KeyError:
            continue
        for s in optional:
            weights[s] = max(weights.get(s, 0.0), GOAL_OPTIONAL_WEIGHT)
        for s in essential:
            weights[s] = 1.0
    return weights


@dataclass(frozen=True)
class GoalLink:
    weight: float  # in (0, 1]
    goal_skill_id: str  # the goal's skill it leads to (the same id when it is one)


def goal_link(
    skill_id: str, goal_weights: Mapping[str, float], taxonomy: TaxonomyLike
) -> GoalLink | None:
    """Does practising `skill_id` lead toward the goals? Either it is one of the
    goal's skills, or it covers one by the crediting rule (weighted by strength)."""
    if not goal_weights:
        return None
    own = goal_weights.get(skill_id, 0.0)
    if own > 0:
        return GoalLink(own, skill_id)
    best: GoalLink | None = None
    for other, strength in sorted(neighbours(taxonomy, skill_id).items()):
        w = goal_weights.get(other, 0.0) * strength
        if w > 0 and (best is None or w > best.weight):
            best = GoalLink(w, other)
    return best


def distinct_requirements(required: tuple[RequiredSkill, ...]) -> list[RequiredSkill]:
    """One requirement per skill (a posting may list one twice): essential beats
    nice to have, and the higher level wins."""
    out: dict[str, RequiredSkill] = {}
    for r in required:
        seen = out.get(r.skill_id)
        if seen is None:
            out[r.skill_id] = r
        else:
            need: Need = "essential" if "essential" in (seen.need, r.need) else "nice"
            out[r.skill_id] = RequiredSkill(r.skill_id, need, max(seen.level, r.level))
    return list(out.values())
