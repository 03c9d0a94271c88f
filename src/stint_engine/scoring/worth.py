"""Is an opportunity worth a candidate's time? Four plain answers.

- goal fit: how much of the work uses skills of the candidate's goal occupations;
- learning value: skills it exercises that the candidate lacks and the goals need;
- growth potential: how often this employer followed a finished engagement with an offer;
- effective hourly pay: fee / estimated hours, in minor units per hour.
"""

from __future__ import annotations

from dataclasses import dataclass

from stint_engine.scoring.fit import goal_skill_weights, join_names, occupation_label
from stint_engine.scoring.model import Candidate, Opportunity, TaxonomyLike, skill_label

MIN_HISTORY = 3  # finished engagements before an employer's offer rate means anything
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF"})


@dataclass(frozen=True)
class WorthItem:
    value: float | None  # in [0, 1] for shares; None when unknown
    sentence: str


@dataclass(frozen=True)
class Worth:
    goal_fit: WorthItem
    learning_value: WorthItem
    learning_skill_ids: tuple[str, ...]
    growth_potential: WorthItem
    hourly_pay_minor: int
    currency: str
    hourly_pay: WorthItem

    @property
    def sentences(self) -> list[str]:
        return [
            self.goal_fit.sentence,
            self.learning_value.sentence,
            self.growth_potential.sentence,
            self.hourly_pay.sentence,
        ]


def format_money(minor: int, currency: str) -> str:
    if currency.upper() in ZERO_DECIMAL_CURRENCIES:
        return f"{minor:,} {currency}"
    return f"{minor / 100:,.2f} {currency}"


def worth(candidate: Candidate, opportunity: Opportunity, taxonomy: TaxonomyLike) -> Worth:
    goals = goal_skill_weights(candidate, taxonomy)
    required = [r.skill_id for r in opportunity.required_skills]
    goal_names = join_names(
        [occupation_label(taxonomy, o) for o in candidate.goal_occupation_ids], 2
    )

    if not candidate.goal_occupation_ids:
        goal_fit = WorthItem(None, "Add a career goal to see how this work leads toward it.")
    elif not required:
        goal_fit = WorthItem(
            None, "The listing names no skills, so its link to your goal is unclear."
        )
    else:
        toward = [s for s in required if goals.get(s, 0.0) > 0]
        share = sum(goals[s] for s in toward) / len(required)
        if toward:
            sentence = f"{len(toward)} of its {len(required)} skills are used by {goal_names}."
        else:
            sentence = f"None of its skills are ones {goal_names} needs."
        goal_fit = WorthItem(share, sentence)

    new = sorted(
        (s for s in required if s not in candidate.skills and goals.get(s, 0.0) > 0),
        key=lambda s: (-goals[s], -taxonomy.skill_importance(s), skill_label(taxonomy, s)),
    )
    if new:
        labels = [skill_label(taxonomy, s) for s in new]
        learning = WorthItem(
            min(1.0, sum(goals[s] for s in new) / max(1, len(required))),
            f"You would practise {join_names(labels)}, which {goal_names} needs and you do not list yet.",
        )
    elif candidate.goal_occupation_ids:
        learning = WorthItem(0.0, "It uses skills you already list; little new toward your goal.")
    else:
        unknown = [skill_label(taxonomy, s) for s in required if s not in candidate.skills]
        learning = WorthItem(
            None,
            f"You would practise {join_names(unknown)}."
            if unknown
            else "It uses skills you already list.",
        )

    stats = opportunity.employer_stats
    if stats.follow_up_offer_rate is None or stats.completed_engagements < MIN_HISTORY:
        growth = WorthItem(
            None, "This employer has too little history on Stint to judge follow-up offers."
        )
    else:
        rate = min(1.0, max(0.0, stats.follow_up_offer_rate))
        growth = WorthItem(
            rate,
            f"This employer made a follow-up offer after {rate:.0%} of its "
            f"{stats.completed_engagements} finished engagements.",
        )

    per_hour = opportunity.pay_per_hour_minor
    pay = WorthItem(
        None,
        f"About {format_money(per_hour, opportunity.currency)} an hour "
        f"({format_money(opportunity.fee_minor, opportunity.currency)} for about "
        f"{opportunity.estimated_hours:g} hours).",
    )
    return Worth(goal_fit, learning, tuple(new), growth, per_hour, opportunity.currency, pay)
