"""How well a candidate fits an opportunity, with the reasons in plain words.

`fit()` combines three soft factors (required-skill coverage, career-goal
alignment, text similarity) into a score in [0, 1]; hard constraints
(time, place, time zone, institution) exclude with a reason instead.

Skill credit for one required skill, best of:
- the candidate has it: 1, times a level factor (each level short costs 0.25,
  at least 0.25) and a source factor (verified 1.0, resume 0.95, self 0.9);
- the candidate has a related skill: RELATED_CREDIT x relatedness, same factors.
Coverage is the weighted mean of credits, essential skills weighing
ESSENTIAL_WEIGHT and nice-to-have ones NICE_WEIGHT.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from stint_engine.scoring.constraints import exclusions
from stint_engine.scoring.model import (
    LEVEL_WORDS,
    Candidate,
    CandidateSkill,
    Opportunity,
    RequiredSkill,
    TaxonomyLike,
    skill_label,
)
from stint_engine.scoring.text import TextModel

ESSENTIAL_WEIGHT = 1.0
NICE_WEIGHT = 0.35
RELATED_CREDIT = 0.6
SOURCE_FACTOR = {"verified": 1.0, "resume": 0.95, "self": 0.9}
FACTOR_WEIGHTS = {"skills": 0.6, "goals": 0.25, "text": 0.15}
TEXT_FULL_MARKS = 0.5  # a TF-IDF cosine this high counts as a perfect text match
GOAL_OPTIONAL_WEIGHT = 0.5
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

    @property
    def excluded(self) -> bool:
        return bool(self.excluded_because)


@dataclass(frozen=True)
class SkillCredit:
    required: RequiredSkill
    label: str
    credit: float
    via: str | None  # skill id that earned the credit (the same id when held)
    via_label: str = ""
    level_short: int = 0  # required level minus held level, when held


def level_factor(have: int, need: int) -> float:
    return max(0.25, 1.0 - 0.25 * max(0, need - have))


def _held_credit(held: CandidateSkill, need_level: int) -> float:
    return level_factor(held.level, need_level) * SOURCE_FACTOR.get(held.source, 0.9)


def skill_credit(
    candidate: Candidate, required: RequiredSkill, taxonomy: TaxonomyLike
) -> SkillCredit:
    sid = required.skill_id
    label = skill_label(taxonomy, sid)
    held = candidate.skills.get(sid)
    if held is not None:
        return SkillCredit(
            required,
            label,
            _held_credit(held, required.level),
            sid,
            label,
            max(0, required.level - held.level),
        )
    best, via = 0.0, None
    related = taxonomy.related(sid)
    if len(candidate.skills) < len(related):
        pairs = ((s, related[s]) for s in candidate.skills if s in related)
    else:
        pairs = ((s, r) for s, r in related.items() if s in candidate.skills)
    for other, strength in pairs:
        credit = RELATED_CREDIT * strength * _held_credit(candidate.skills[other], required.level)
        if credit > best or (credit == best and via is not None and other < via):
            best, via = credit, other
    via_label = skill_label(taxonomy, via) if via else ""
    return SkillCredit(required, label, best, via, via_label)


def _need_weight(r: RequiredSkill) -> float:
    return ESSENTIAL_WEIGHT if r.need == "essential" else NICE_WEIGHT


def goal_skill_weights(candidate: Candidate, taxonomy: TaxonomyLike) -> dict[str, float]:
    """Skill id -> how much it leads toward the candidate's goal occupations."""
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


def occupation_label(taxonomy: TaxonomyLike, occupation_id: str) -> str:
    occupations: Mapping[str, Any] = getattr(taxonomy, "occupations", {})
    occ = occupations.get(occupation_id)
    return str(getattr(occ, "label", occupation_id)) if occ is not None else occupation_id


def join_names(labels: list[str], limit: int = 3) -> str:
    if not labels:
        return ""
    shown = labels[:limit]
    if len(labels) > limit:
        shown = [*shown, f"{len(labels) - limit} more"]
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def _is_are(n: int) -> str:
    return "is" if n == 1 else "are"


def _skills_sentence(credits: list[SkillCredit]) -> str:
    essential = [c for c in credits if c.required.need == "essential"] or credits
    have = [c for c in essential if c.via == c.required.skill_id]
    related = [c for c in essential if c.via and c.via != c.required.skill_id]
    missing = [c for c in essential if c.via is None]
    n = len(essential)
    if len(have) == n:
        return f"You have all {n} required skills ({join_names([c.label for c in have])})."
    parts = [f"You have {len(have)} of {n} required skills"]
    for c in related[:2]:
        parts.append(f"{c.label} is missing but you know {c.via_label}")
    if len(related) > 2:
        parts.append(f"{len(related) - 2} more are close to skills you know")
    if missing:
        labels = [c.label for c in missing]
        parts.append(f"{join_names(labels)} {_is_are(len(labels))} missing")
    return "; ".join(parts) + "."


def fit(
    candidate: Candidate,
    opportunity: Opportunity,
    taxonomy: TaxonomyLike,
    *,
    today: date,
    text_model: TextModel | None = None,
) -> Fit:
    reasons = exclusions(candidate, opportunity, today)
    raw: list[tuple[str, float, str]] = []  # (name, value, detail)
    sentences: list[tuple[float, str]] = []  # (impact before weighting, sentence)

    credits = [skill_credit(candidate, r, taxonomy) for r in opportunity.required_skills]
    if credits:
        total = sum(_need_weight(c.required) for c in credits)
        coverage = sum(_need_weight(c.required) * c.credit for c in credits) / total
        skills_sentence = _skills_sentence(credits)
        raw.append(("skills", coverage, skills_sentence))
        w = FACTOR_WEIGHTS["skills"]
        # The skills sentence leads: it is the factor with the most weight.
        sentences.append((1.0 + w * abs(coverage - 0.5), skills_sentence))
        short = sorted(
            (c for c in credits if c.level_short > 0),
            key=lambda c: (-c.level_short * _need_weight(c.required), c.label),
        )
        if short:
            c = short[0]
            held = candidate.skills[c.required.skill_id].level
            extra = f" ({len(short) - 1} more below the asked level)" if len(short) > 1 else ""
            sentences.append(
                (
                    w
                    * (1 - level_factor(held, c.required.level))
                    * _need_weight(c.required)
                    / total,
                    f"{c.label} is asked at {LEVEL_WORDS.get(c.required.level, c.required.level)} "
                    f"level; you list {LEVEL_WORDS.get(held, held)}{extra}.",
                )
            )
        nice = [c for c in credits if c.required.need == "nice"]
        if nice and len(nice) < len(credits):
            got = [c.label for c in nice if c.credit > 0]
            lack = [c.label for c in nice if c.credit == 0]
            text = (
                f"You also have {len(got)} of {len(nice)} nice-to-have skills ({join_names(got)})."
                if got
                else f"You have none of the nice-to-have skills ({join_names(lack)})."
            )
            sentences.append((w * NICE_WEIGHT * len(nice) / total * 0.5, text))
        verified = [
            c.label
            for c in credits
            if c.via == c.required.skill_id and candidate.skills[c.via].source == "verified"
        ]
        if verified:
            sentences.append(
                (
                    0.005 * len(verified),
                    f"Your verified {join_names(verified)} count a little more.",
                )
            )

    goal_weights = goal_skill_weights(candidate, taxonomy) if candidate.goal_occupation_ids else {}
    if candidate.goal_occupation_ids and credits:
        total = sum(_need_weight(c.required) for c in credits)
        toward = [c for c in credits if goal_weights.get(c.required.skill_id, 0.0) > 0]
        value = (
            sum(_need_weight(c.required) * goal_weights[c.required.skill_id] for c in toward)
            / total
        )
        goal_names = join_names(
            [occupation_label(taxonomy, o) for o in candidate.goal_occupation_ids], 2
        )
        if toward:
            detail = (
                f"{len(toward)} of its {len(credits)} skills lead toward your goal of "
                f"{goal_names} ({join_names([c.label for c in toward])})."
            )
        else:
            detail = f"None of its skills are among those {goal_names} needs."
        raw.append(("goals", value, detail))
        sentences.append((FACTOR_WEIGHTS["goals"] * abs(value - 0.5), detail))

    if candidate.text.strip() and opportunity.text.strip():
        cosine, shared = (text_model or _PLAIN).similarity(candidate.text, opportunity.text)
        value = min(1.0, cosine / TEXT_FULL_MARKS)
        if shared and value >= 0.2:
            detail = f"Your profile and the description share key words ({join_names(shared, 4)})."
        else:
            detail = "Your profile text has little in common with the description."
        raw.append(("text", value, detail))
        sentences.append((FACTOR_WEIGHTS["text"] * abs(value - 0.5), detail))

    if raw:
        weight_sum = sum(FACTOR_WEIGHTS[name] for name, _, _ in raw)
        factors = [
            Factor(
                name,
                value,
                FACTOR_WEIGHTS[name] / weight_sum,
                FACTOR_WEIGHTS[name] / weight_sum * value,
                detail,
            )
            for name, value, detail in raw
        ]
        score = min(1.0, max(0.0, sum(f.contribution for f in factors)))
    else:
        factors, score = [], 0.5
        sentences.append((0.0, "There is too little information in the listing to score the fit."))

    ordered = [s for _, s in sorted(sentences, key=lambda t: -t[0])]
    explanation = [*reasons, *ordered][: max(5, len(reasons))]
    return Fit(0.0 if reasons else score, reasons, factors, explanation)
