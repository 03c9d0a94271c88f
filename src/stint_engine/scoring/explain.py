"""Explanations as facts, worded for whoever reads them.

`fit()` records facts (per asked skill: have / covered by a related skill the
candidate lists, with that skill's name and level / missing; goal alignment;
shared words; hard exclusions). Every sentence is rendered from those facts for
a reader: the candidate reads "You have …", "Your spreadsheets (Advanced)
covers Microsoft Excel"; the employer reads "Ada has …", "Ada's time zone is …
from your team's". Since every sentence comes from the same facts, no two can
disagree about a skill or a goal.

Match percentage: the score as a share of the score the same candidate would
get holding every asked skill at the asked level (self-declared), with their
own goals and profile text. 100% means "brings everything this work asks for";
bands name it in words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from stint_engine.scoring.constraints import Exclusion
from stint_engine.scoring.credit import level_factor
from stint_engine.scoring.model import Need, Reader, SkillStatus, level_word

__all__ = [
    "BANDS",
    "MATCH_HELP",
    "FitFacts",
    "GoalFact",
    "SkillFact",
    "TextFact",
    "join_names",
    "match_band",
    "render_fit",
    "render_goal",
    "render_skills",
    "render_text",
]

ESSENTIAL_WEIGHT = 1.0
NICE_WEIGHT = 0.35
FACTOR_WEIGHTS = {"skills": 0.6, "goals": 0.25, "text": 0.15}

# (lowest percentage, key, words): the first band whose floor the percentage reaches.
BANDS: tuple[tuple[int, str, str], ...] = (
    (80, "strong", "Strong match"),
    (60, "good", "Good match"),
    (35, "partial", "Partial match"),
    (0, "weak", "Weak match"),
)
MATCH_HELP = (
    "The match compares {who} with someone who has every skill this work asks for at "
    "the asked level: 100% means {who_has} all of them. Related skills count in part; "
    "the description and career goals count a little. Strong: 80% or more; good: 60%; "
    "partial: 35%."
)


def match_band(percent: int, excluded: bool = False) -> tuple[str, str]:
    """(key, words) for a match percentage."""
    if excluded:
        return "excluded", "Not a fit now"
    for floor, key, words in BANDS:
        if percent >= floor:
            return key, words
    return BANDS[-1][1], BANDS[-1][2]


def match_help(reader: Reader = "candidate", name: str = "") -> str:
    if reader == "candidate":
        return MATCH_HELP.format(who="you", who_has="you bring")
    who = name or "the candidate"
    return MATCH_HELP.format(who=who, who_has=f"{who} brings")


@dataclass(frozen=True)
class SkillFact:
    skill_id: str
    label: str  # the taxonomy's label (for hover / detail)
    name: str  # the plain name people use
    need: Need
    level: int  # asked level
    status: SkillStatus
    via_id: str | None = None  # the candidate's skill that earned the credit
    via_label: str = ""
    via_name: str = ""
    via_level: int | None = None
    level_short: int = 0
    verified: bool = False
    goal_weight: float = 0.0  # > 0: practising it leads toward the candidate's goals

    @property
    def toward_goal(self) -> bool:
        return self.goal_weight > 0


@dataclass(frozen=True)
class GoalFact:
    goal_names: tuple[str, ...]
    value: float


@dataclass(frozen=True)
class TextFact:
    value: float
    shared: tuple[str, ...]


@dataclass(frozen=True)
class FitFacts:
    skills: tuple[SkillFact, ...] = ()
    skills_value: float | None = None  # coverage in [0, 1]; None without asked skills
    goal: GoalFact | None = None
    text: TextFact | None = None
    exclusions: tuple[Exclusion, ...] = ()


def join_names(labels: list[str], limit: int = 3) -> str:
    if not labels:
        return ""
    shown = labels[:limit]
    if len(labels) > limit:
        shown = [*shown, f"{len(labels) - limit} more"]
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]


class _Voice:
    """Pronouns and verbs for one reader."""

    def __init__(self, reader: Reader, name: str) -> None:
        self.me = reader == "candidate"
        self.name = name or "The candidate"

    @property
    def subject(self) -> str:  # "You" / "Ada"
        return "You" if self.me else self.name

    @property
    def possessive(self) -> str:  # "your" / "Ada's"
        return "your" if self.me else f"{self.name}'s"

    @property
    def possessive_cap(self) -> str:
        return "Your" if self.me else f"{self.name}'s"

    def has(self) -> str:
        return "You have" if self.me else f"{self.name} has"

    def lists(self) -> str:
        return "you list" if self.me else f"{self.name} lists"

    @property
    def description(self) -> str:  # the posting, seen by its reader
        return "the description" if self.me else "your description"


def _need_weight(f: SkillFact) -> float:
    return ESSENTIAL_WEIGHT if f.need == "essential" else NICE_WEIGHT


def _is_are(n: int) -> str:
    return "is" if n == 1 else "are"


def _covers(f: SkillFact, v: _Voice) -> str:
    level = f" ({level_word(f.via_level).capitalize()})" if f.via_level is not None else ""
    return f"{v.possessive} {f.via_name}{level} covers {f.name}"


def _none_of(group: list[SkillFact], what: str, v: _Voice) -> str:
    """'none of the 5 required skills is on your profile' / 'the one required skill
    is not on Ada's profile' (what a related skill covers, or is missing, follows)."""
    if len(group) == 1:
        return f"the one {what} skill is not on {v.possessive} profile"
    return f"none of the {len(group)} {what} skills is on {v.possessive} profile"


def render_skills(facts: FitFacts, reader: Reader = "candidate", name: str = "") -> str:
    """The lead sentence: how many of the essential skills the candidate has,
    which related skills cover the others (by name, with level), which are missing."""
    v = _Voice(reader, name)
    essential = [f for f in facts.skills if f.need == "essential"]
    what = "required"
    if not essential:
        essential, what = list(facts.skills), "asked-for"
    have = [f for f in essential if f.status == "have"]
    related = [f for f in essential if f.status == "related"]
    missing = [f for f in essential if f.status == "missing"]
    n = len(essential)
    if len(have) == n:
        if n == 1:
            return f"{v.has()} the one {what} skill ({have[0].name})."
        return f"{v.has()} all {n} {what} skills ({join_names([f.name for f in have])})."
    if have:
        parts = [
            f"{v.has()} {len(have)} of {n} {what} skills ({join_names([f.name for f in have])})"
        ]
    else:
        parts = [_none_of(essential, what, v)]
    for f in related[:2]:
        parts.append(_covers(f, v))
    if len(related) > 2:
        more = len(related) - 2
        parts.append(
            f"{more} more {_is_are(more)} covered by related skills {v.lists()} "
            f"({join_names([f.name for f in related[2:]])})"
        )
    if missing:
        names = [f.name for f in missing]
        parts.append(f"{join_names(names)} {_is_are(len(names))} missing")
    sentence = "; ".join(parts) + "."
    return sentence[0].upper() + sentence[1:]


def _render_nice(facts: FitFacts, v: _Voice) -> str | None:
    nice = [f for f in facts.skills if f.need == "nice"]
    if not nice or len(nice) == len(facts.skills):
        return None
    have = [f for f in nice if f.status == "have"]
    related = [f for f in nice if f.status == "related"]
    lack = [f for f in nice if f.status == "missing"]
    if have:
        also = "You also have" if v.me else f"{v.name} also has"
        parts = [
            f"{also} {len(have)} of {len(nice)} nice-to-have skills ({join_names([f.name for f in have])})"
        ]
    elif related:
        parts = [_none_of(nice, "nice-to-have", v)]
    else:
        return f"{v.has()} none of the nice-to-have skills ({join_names([f.name for f in lack])})."
    parts.extend(_covers(f, v) for f in related[:2])
    sentence = "; ".join(parts) + "."
    return sentence[0].upper() + sentence[1:]


def render_goal(facts: FitFacts, reader: Reader = "candidate", name: str = "") -> str | None:
    if facts.goal is None:
        return None
    v = _Voice(reader, name)
    goal_names = join_names(list(facts.goal.goal_names), 2)
    toward = [f for f in facts.skills if f.toward_goal]
    if toward:
        return (
            f"{len(toward)} of its {len(facts.skills)} skills lead toward {v.possessive} goal "
            f"of {goal_names} ({join_names([f.name for f in toward])})."
        )
    return f"None of its skills lead toward {v.possessive} goal of {goal_names}."


def render_text(facts: FitFacts, reader: Reader = "candidate", name: str = "") -> str | None:
    if facts.text is None:
        return None
    v = _Voice(reader, name)
    if facts.text.shared and facts.text.value >= 0.2:
        return (
            f"{v.possessive_cap} profile and {v.description} share key words "
            f"({join_names(list(facts.text.shared), 4)})."
        )
    return f"{v.possessive_cap} profile text has little in common with {v.description}."


def render_fit(
    facts: FitFacts,
    reader: Reader = "candidate",
    name: str = "",
    details: Mapping[str, str] | None = None,
) -> list[str]:
    """Exclusions first, then the sentences that matter most (at least five kept).
    `details`: the factor sentences ("skills", "goals", "text") already rendered
    for this reader, so `fit` words each only once."""
    details = details or {}
    v = _Voice(reader, name)
    reasons = [e.render(reader, name) for e in facts.exclusions]
    sentences: list[tuple[float, str]] = []  # (impact before weighting, sentence)
    w = FACTOR_WEIGHTS["skills"]
    if facts.skills and facts.skills_value is not None:
        total = sum(_need_weight(f) for f in facts.skills)
        # The skills sentence leads: it is the factor with the most weight.
        lead = details.get("skills") or render_skills(facts, reader, name)
        sentences.append((1.0 + w * abs(facts.skills_value - 0.5), lead))
        short = sorted(
            (f for f in facts.skills if f.status == "have" and f.level_short > 0),
            key=lambda f: (-f.level_short * _need_weight(f), f.name),
        )
        if short:
            f = short[0]
            held = f.via_level if f.via_level is not None else f.level
            extra = f" ({len(short) - 1} more below the asked level)" if len(short) > 1 else ""
            sentences.append(
                (
                    w * (1 - level_factor(held, f.level)) * _need_weight(f) / total,
                    f"{f.name} is asked at {level_word(f.level)} level; "
                    f"{v.lists()} {level_word(held)}{extra}.",
                )
            )
        nice = _render_nice(facts, v)
        if nice:
            n_nice = sum(1 for f in facts.skills if f.need == "nice")
            sentences.append((w * NICE_WEIGHT * n_nice / total * 0.5, nice))
        verified = [f.name for f in facts.skills if f.status == "have" and f.verified]
        if verified:
            sentences.append(
                (
                    0.005 * len(verified),
                    f"{v.possessive_cap} verified {join_names(verified)} "
                    f"{'counts' if len(verified) == 1 else 'count'} a little more.",
                )
            )
    goal = details.get("goals") or render_goal(facts, reader, name)
    if goal is not None and facts.goal is not None:
        sentences.append((FACTOR_WEIGHTS["goals"] * abs(facts.goal.value - 0.5), goal))
    text = details.get("text") or render_text(facts, reader, name)
    if text is not None and facts.text is not None:
        sentences.append((FACTOR_WEIGHTS["text"] * abs(facts.text.value - 0.5), text))
    if facts.skills_value is None and facts.goal is None and facts.text is None:
        sentences.append((0.0, "There is too little information in the listing to score the fit."))
    ordered = [s for _, s in sorted(sentences, key=lambda t: -t[0])]
    return [*reasons, *ordered][: max(5, len(reasons))]
