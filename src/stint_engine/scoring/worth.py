"""Is an opportunity worth a candidate's time? Four plain answers.

- goal fit: how much of the work uses skills of the candidate's goal occupations;
- learning value: skills it exercises that the candidate lacks and the goals need;
- growth potential: how often this employer followed a finished engagement with an offer;
- effective hourly pay: fee / estimated hours, in minor units per hour.
"""

from __future__ import annotations

from dataclasses import dataclass

from stint_engine.scoring.explain import FitFacts, GoalFact, join_names, render_goal
from stint_engine.scoring.fit import occupation_label, skill_facts_for
from stint_engine.scoring.model import Candidate, Opportunity, TaxonomyLike

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
    """Worth-it answers built from the same skill facts as `fit` (one crediting
    rule), so "you would practise X" never sits beside "you have X"."""
    _credits, facts = skill_facts_for(candidate, opportunity, taxonomy)
    goal_labels = tuple(occupation_label(taxonomy, o) for o in candidate.goal_occupation_ids)
    goal_names = join_names(list(goal_labels), 2)

    if not candidate.goal_occupation_ids:
        goal_fit = WorthItem(None, "Add a career goal to see how this work leads toward it.")
    elif not facts:
        goal_fit = WorthItem(
            None, "The listing names no skills, so its link to your goal is unclear."
        )
    else:
        share = min(1.0, sum(f.goal_weight for f in facts) / len(facts))
        sentence = render_goal(FitFacts(tuple(facts), goal=GoalFact(goal_labels, share)))
        goal_fit = WorthItem(share, sentence or "")

    new = sorted(
        (f for f in facts if f.status == "missing" and f.toward_goal),
        key=lambda f: (-f.goal_weight, -taxonomy.skill_importance(f.skill_id), f.name),
    )
    missing = [f for f in facts if f.status == "missing"]
    covered = [f for f in facts if f.status == "related"]
    if new:
        learning = WorthItem(
            min(1.0, sum(f.goal_weight for f in new) / max(1, len(facts))),
            f"You would practise {join_names([f.name for f in new])}, which {goal_names} "
            "needs and you do not list yet.",
        )
    elif missing:
        names = join_names([f.name for f in missing])
        learning = WorthItem(
            0.0 if candidate.goal_occupation_ids else None,
            f"You would practise {names}, which you do not list yet"
            + (
                f"; {goal_names} does not need {'it' if len(missing) == 1 else 'them'}."
                if candidate.goal_occupation_ids
                else "."
            ),
        )
    elif covered:
        f = covered[0]
        learning = WorthItem(
            0.0 if candidate.goal_occupation_ids else None,
            f"It builds on skills you already list (your {f.via_name} covers {f.name})"
            + ("; little new toward your goal." if candidate.goal_occupation_ids else "."),
        )
    elif candidate.goal_occupation_ids:
        learning = WorthItem(0.0, "It uses skills you already have; little new toward your goal.")
    else:
        learning = WorthItem(None, "It uses skills you already have.")

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
    return Worth(
        goal_fit,
        learning,
        tuple(f.skill_id for f in new),
        growth,
        per_hour,
        opportunity.currency,
        pay,
    )
