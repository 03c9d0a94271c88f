"""How well a candidate fits an opportunity, with the reasons in plain words.

`fit()` combines three soft factors (required-skill coverage, career-goal
alignment, text similarity) into a score in [0, 1]; hard constraints
(time, place, time zone, institution) exclude with a reason instead.

Skill credit for one asked skill follows `stint_engine.scoring.credit` (the one
rule fit, worth and gaps share):
- the candidate has it: 1, times a level factor (each level short costs 0.25,
  at least 0.25) and a source factor (verified 1.0, resume 0.95, self 0.9);
- a skill the candidate lists covers it (relatedness >= COVER_MIN):
  RELATED_CREDIT x relatedness, same factors.
Coverage is the weighted mean of credits, essential skills weighing
ESSENTIAL_WEIGHT and nice-to-have ones NICE_WEIGHT.

The result carries the facts behind it (`Fit.facts`); `Fit.explanation` is
worded for the candidate and `Fit.sentences("employer", name)` for an employer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from stint_engine.scoring.constraints import exclusion_facts
from stint_engine.scoring.credit import (
    GOAL_OPTIONAL_WEIGHT,
    RELATED_CREDIT,
    SOURCE_FACTOR,
    SkillCredit,
    distinct_requirements,
    goal_link,
    goal_skill_weights,
    level_factor,
    skill_credit,
)
from stint_engine.scoring.explain import (
    ESSENTIAL_WEIGHT,
    FACTOR_WEIGHTS,
    NICE_WEIGHT,
    FitFacts,
    GoalFact,
    SkillFact,
    TextFact,
    join_names,
    match_band,
    render_fit,
    render_goal,
    render_skills,
    render_text,
)
from stint_engine.scoring.model import (
    Candidate,
    Opportunity,
    Reader,
    RequiredSkill,
    TaxonomyLike,
)
from stint_engine.scoring.text import TextModel

__all__ = [
    "ESSENTIAL_WEIGHT",
    "FACTOR_WEIGHTS",
    "GOAL_OPTIONAL_WEIGHT",
    "NICE_WEIGHT",
    "RELATED_CREDIT",
    "SOURCE_FACTOR",
    "Factor",
    "Fit",
    "SkillCredit",
    "fit",
    "goal_skill_weights",
    "join_names",
    "level_factor",
    "occupation_label",
    "skill_credit",
    "skill_facts_for",
]

TEXT_FULL_MARKS = 0.5  # a TF-IDF cosine this high counts as a perfect text match
IDEAL_CREDIT = SOURCE_FACTOR["self"]  # the reference candidate declares every skill themselves
_PLAIN = TextModel()


@dataclass(frozen=True)
class Factor:
    name: str  # "skills" | "goals" | "text"
    value: float  # in [0, 1]
    weight: float  # share of the score, weights of present factors sum to 1
    contribution: float  # weight x value
    detail: str


@dataclass(frozen=True)
class Fit:
    score: float
    excluded_because: list[str] = field(default_factory=list)
    factors: list[Factor] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)
    facts: FitFacts = field(default_factory=FitFacts)
    reference: float = 1.0  # the score of someone with every asked skill at the asked level

    @property
    def excluded(self) -> bool:
        return bool(self.excluded_because)

    @property
    def match_percent(self) -> int:
        """The score against the reference candidate's, in whole percent (0..100)."""
        if self.excluded or self.reference <= 0:
            return 0
        return max(0, min(100, round(100 * self.score / self.reference)))

    @property
    def band(self) -> tuple[str, str]:
        """(key, words): "strong"/"Strong match", … ; "excluded"/"Not a fit now"."""
        return match_band(self.match_percent, self.excluded)

    def sentences(self, reader: Reader = "candidate", name: str = "") -> list[str]:
        """The explanation worded for `reader` (the candidate's `name` for employers)."""
        return render_fit(self.facts, reader, name)

    def reasons(self, reader: Reader = "candidate", name: str = "") -> list[str]:
        """Why it is excluded, worded for `reader`."""
        return [e.render(reader, name) for e in self.facts.exclusions]

    def factor_detail(self, factor: str, reader: Reader = "candidate", name: str = "") -> str:
        """One factor's sentence worded for `reader`."""
        if factor == "skills":
            return render_skills(self.facts, reader, name)
        if factor == "goals":
            return render_goal(self.facts, reader, name) or ""
        if factor == "text":
            return render_text(self.facts, reader, name) or ""
        return ""


def _need_weight(r: RequiredSkill) -> float:
    return ESSENTIAL_WEIGHT if r.need == "essential" else NICE_WEIGHT


def occupation_label(taxonomy: TaxonomyLike, occupation_id: str) -> str:
    occupations: Mapping[str, Any] = getattr(taxonomy, "occupations", {})
    occ = occupations.get(occupation_id)
    return str(getattr(occ, "label", occupation_id)) if occ is not None else occupation_id


def skill_facts_for(
    candidate: Candidate, opportunity: Opportunity, taxonomy: TaxonomyLike
) -> tuple[list[SkillCredit], list[SkillFact]]:
    """Each distinct asked skill's credit and facts, by the one crediting rule."""
    credits = [
        skill_credit(candidate, r, taxonomy)
        for r in distinct_requirements(opportunity.required_skills)
    ]
    goal_weights = goal_skill_weights(candidate, taxonomy) if candidate.goal_occupation_ids else {}
    facts: list[SkillFact] = []
    for c in credits:
        link = goal_link(c.required.skill_id, goal_weights, taxonomy)
        held = candidate.skills.get(c.via) if c.via else None
        facts.append(
            SkillFact(
                skill_id=c.required.skill_id,
                label=c.label,
                name=c.name,
                need=c.required.need,
                level=c.required.level,
                status=c.status,
                via_id=c.via,
                via_label=c.via_label,
                via_name=c.via_name,
                via_level=c.via_level,
                level_short=c.level_short,
                verified=c.status == "have" and held is not None and held.source == "verified",
                goal_weight=link.weight if link else 0.0,
            )
        )
    return credits, facts


def _weighted(raw: list[tuple[str, float]]) -> float:
    weight_sum = sum(FACTOR_WEIGHTS[name] for name, _ in raw)
    return sum(FACTOR_WEIGHTS[name] / weight_sum * value for name, value in raw)


def fit(
    candidate: Candidate,
    opportunity: Opportunity,
    taxonomy: TaxonomyLike,
    *,
    today: date,
    text_model: TextModel | None = None,
) -> Fit:
    excluded = tuple(exclusion_facts(candidate, opportunity, today))
    raw: list[tuple[str, float]] = []  # (factor, value)
    ideal: list[tuple[str, float]] = []  # the reference candidate's factor values

    credits, skill_facts = skill_facts_for(candidate, opportunity, taxonomy)
    skills_value: float | None = None
    if credits:
        total = sum(_need_weight(c.required) for c in credits)
        skills_value = sum(_need_weight(c.required) * c.credit for c in credits) / total
        raw.append(("skills", skills_value))
        ideal.append(("skills", IDEAL_CREDIT))

    goal: GoalFact | None = None
    if candidate.goal_occupation_ids and credits:
        total = sum(_need_weight(c.required) for c in credits)
        value = (
            sum(
                _need_weight(c.required) * f.goal_weight
                for c, f in zip(credits, skill_facts, strict=True)
            )
            / total
        )
        value = min(1.0, value)
        goal = GoalFact(
            tuple(occupation_label(taxonomy, o) for o in candidate.goal_occupation_ids), value
        )
        raw.append(("goals", value))
        ideal.append(("goals", value))

    text: TextFact | None = None
    if candidate.text.strip() and opportunity.text.strip():
        cosine, shared = (text_model or _PLAIN).similarity(candidate.text, opportunity.text)
        value = min(1.0, cosine / TEXT_FULL_MARKS)
        text = TextFact(value, tuple(shared[:8]))
        raw.append(("text", value))
        ideal.append(("text", value))

    facts = FitFacts(tuple(skill_facts), skills_value, goal, text, excluded)
    probe = Fit(0.0, facts=facts)
    if raw:
        weight_sum = sum(FACTOR_WEIGHTS[name] for name, _ in raw)
        factors = [
            Factor(
                name,
                value,
                FACTOR_WEIGHTS[name] / weight_sum,
                FACTOR_WEIGHTS[name] / weight_sum * value,
                probe.factor_detail(name),
            )
            for name, value in raw
        ]
        score = min(1.0, max(0.0, sum(f.contribution for f in factors)))
        # Without asked skills there is nothing to bring: the score is its own reference.
        reference = _weighted(ideal) if credits else 1.0
    else:
        factors, score, reference = [], 0.5, 1.0
    reasons = [e.render() for e in excluded]
    return Fit(
        0.0 if reasons else score,
        reasons,
        factors,
        render_fit(facts, details={f.name: f.detail for f in factors}),
        facts,
        reference,
    )
