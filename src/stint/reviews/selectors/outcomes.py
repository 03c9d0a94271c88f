"""Outcomes over the last twelve months: an employer's spend, time to fill, completion and follow-
up rates; a candidate's earnings, verified skills and progress toward their career goals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.safestring import SafeString

from stint.accounts.models import User
from stint.applications.models import Offer, OfferStatus
from stint.core import charts
from stint.engagements.models import Engagement
from stint.matching.engine import taxonomy
from stint.opportunities.models import Opportunity
from stint.orgs.models import Organisation
from stint.profiles.models import CareerGoal, SkillClaim
from stint.reviews import rules
from stint.reviews.models import FollowUpOffer, FollowUpStatus, VerifiedSkill
from stint.reviews.selectors.follow_ups import employer_stats


def _months() -> list[str]:
    return rules.last_months(timezone.localdate(), 12)


def _local_month(when: datetime) -> str:
    return rules.month_key(timezone.localtime(when))


def _major(amount_minor: int, currency: str) -> float:
    from stint.core.money import CURRENCY_EXPONENTS

    return amount_minor / 10 ** CURRENCY_EXPONENTS.get(currency, 2)


def _money_series(pairs: list[tuple[str, str, int]], months: list[str]) -> list[charts.Series]:
    """(currency, month, minor) → one series per currency, in major units."""
    currencies = sorted({c for c, _, _ in pairs})
    return [
        charts.Series(
            c,
            [
                _major(v, c)
                for v in rules.sum_by_month([(m, a) for cur, m, a in pairs if cur == c], months)
            ],
        )
        for c in currencies
    ]


@dataclass
class EmployerOutcomes:
    organisation: Organisation
    months: list[str]
    spend: list[charts.Series]  # per currency, major units
    fills: list[dict[str, Any]]  # {"title", "days"} for recent filled postings
    median_days_to_fill: float | None
    completed: int
    delivered: int
    ended: int
    completion_rate: float | None
    follow_up_rate: float | None
    follow_ups: dict[str, int]

    @property
    def completion_percent(self) -> int:
        return rules.percent(self.completion_rate)

    @property
    def follow_up_percent(self) -> int:
        return rules.percent(self.follow_up_rate)

    @property
    def spend_chart(self) -> SafeString:
        return charts.line_chart(
            "Spend per month (fees released on approval)",
            self.months,
            self.spend or [charts.Series("No spend yet", [0] * len(self.months))],
            chart_id=f"spend-{self.organisation.pk}",
        )

    @property
    def fill_chart(self) -> SafeString:
        return charts.bar_chart(
            "Days from publishing to an accepted offer",
            [f["title"] for f in self.fills],
            [f["days"] for f in self.fills],
            chart_id=f"fill-{self.organisation.pk}",
            unit=" d",
        )

    @property
    def rates_chart(self) -> SafeString:
        return charts.bar_chart(
            "Completion and follow-up rates",
            ["Completion rate", "Follow-up rate"],
            [self.completion_percent, self.follow_up_percent],
            chart_id=f"rates-{self.organisation.pk}",
            unit="%",
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "organisation_id": self.organisation.pk,
            "months": self.months,
            "spend": [{"currency": s.name, "values": list(s.values)} for s in self.spend],
            "time_to_fill": self.fills,
            "median_days_to_fill": self.median_days_to_fill,
            "completed_engagements": self.completed,
            "delivered_engagements": self.delivered,
            "ended_engagements": self.ended,
            "completion_rate": self.completion_rate,
            "follow_up_rate": self.follow_up_rate,
            "follow_ups": self.follow_ups,
        }


def employer_outcomes(org: Organisation) -> EmployerOutcomes:
    months = _months()
    engagements = list(Engagement.objects.filter(employer=org))
    spend_pairs = [
        (e.currency, _local_month(e.approved_at), e.fee_minor)
        for e in engagements
        if e.status in rules.DELIVERED and e.approved_at is not None
    ]
    # Time to fill: a posting's publication to its first accepted offer.
    first_accept: dict[int, datetime] = {}
    for opp_id, decided in (
        Offer.objects.filter(
            application__opportunity__employer=org,
            status=OfferStatus.ACCEPTED,
            decided_at__isnull=False,
        )
        .order_by("decided_at")
        .values_list("application__opportunity_id", "decided_at")
    ):
        first_accept.setdefault(opp_id, decided)
    postings = Opportunity.objects.filter(
        pk__in=list(first_accept), published_at__isnull=False
    ).order_by("-published_at")
    fills = []
    for o in postings:
        delta = first_accept[o.pk] - o.published_at
        fills.append({"title": o.title, "days": round(max(delta.total_seconds(), 0) / 86400, 1)})
    fills = fills[:10]
    stats = employer_stats(org)
    delivered = sum(1 for e in engagements if e.status in rules.DELIVERED)
    ended = sum(1 for e in engagements if e.status in rules.ENDED)
    follow_ups = dict.fromkeys(FollowUpStatus.values, 0)
    for status in FollowUpOffer.objects.filter(employer=org).values_list("status", flat=True):
        follow_ups[status] += 1
    return EmployerOutcomes(
        organisation=org,
        months=months,
        spend=_money_series(spend_pairs, months),
        fills=fills,
        median_days_to_fill=rules.median([f["days"] for f in fills]),
        completed=stats.completed_engagements,
        delivered=delivered,
        ended=ended,
        completion_rate=rules.rate(delivered, ended),
        follow_up_rate=stats.follow_up_offer_rate,
        follow_ups=follow_ups,
    )


@dataclass
class GoalProgress:
    occupation_id: str
    label: str
    essential: int
    coverage: list[int]  # percent per month

    @property
    def now(self) -> int:
        return self.coverage[-1] if self.coverage else 0


@dataclass
class CandidateOutcomes:
    user: User
    months: list[str]
    earnings: list[charts.Series]
    verified_cumulative: list[int]
    verified_total: int
    goals: list[GoalProgress]
    completed: int

    @property
    def earnings_chart(self) -> SafeString:
        return charts.line_chart(
            "Earnings per month",
            self.months,
            self.earnings or [charts.Series("No earnings yet", [0] * len(self.months))],
            chart_id="earnings",
        )

    @property
    def skills_chart(self) -> SafeString:
        return charts.line_chart(
            "Verified skills gained (running total)",
            self.months,
            [charts.Series("Verified skills", self.verified_cumulative)],
            chart_id="verified-skills",
        )

    @property
    def goals_chart(self) -> SafeString:
        return charts.line_chart(
            "Share of each goal's essential skills you show",
            self.months,
            [charts.Series(g.label[:40], g.coverage) for g in self.goals]
            or [charts.Series("No career goals yet", [0] * len(self.months))],
            chart_id="goal-gaps",
            unit="%",
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "months": self.months,
            "earnings": [{"currency": s.name, "values": list(s.values)} for s in self.earnings],
            "verified_skills_cumulative": self.verified_cumulative,
            "verified_skills_total": self.verified_total,
            "goals": [
                {
                    "occupation_id": g.occupation_id,
                    "label": g.label,
                    "essential_skills": g.essential,
                    "coverage_percent": g.coverage,
                }
                for g in self.goals
            ],
            "completed_engagements": self.completed,
        }


def candidate_outcomes(user: User) -> CandidateOutcomes:
    months = _months()
    paid = list(
        Engagement.objects.filter(candidate=user, status__in=rules.COMPLETED, paid_at__isnull=False)
    )
    pairs = []
    for e in paid:
        gross = getattr(e, "released_minor", None)
        gross = e.fee_minor if gross is None else gross
        net = rules.net_earning(
            gross,
            fee_bps=settings.STINT_PLATFORM_FEE_BPS,
            payer=settings.STINT_PLATFORM_FEE_PAYER,
        )
        pairs.append((e.currency, _local_month(e.paid_at), net))
    verified_first: dict[str, str] = {}
    for skill_id, created in (
        VerifiedSkill.objects.filter(candidate=user)
        .order_by("created_at")
        .values_list("skill_id", "created_at")
    ):
        verified_first.setdefault(skill_id, _local_month(created))
    # What the candidate shows: any skill on the profile (from when it was added) or verified.
    shown = dict(verified_first)
    for skill_id, created in SkillClaim.objects.filter(profile__user=user).values_list(
        "skill_id", "created_at"
    ):
        key = _local_month(created)
        if skill_id not in shown or key < shown[skill_id]:
            shown[skill_id] = key
    goals = []
    for goal in CareerGoal.objects.filter(profile__user=user).order_by("created_at"):
        try:
            essential, _ = taxonomy().occupation_skills(goal.occupation_id)
        except KeyError:
            continue
        goals.append(
            GoalProgress(
                occupation_id=goal.occupation_id,
                label=goal.label,
                essential=len(set(essential)),
                coverage=rules.coverage_by_month(essential, shown, months),
            )
        )
    return CandidateOutcomes(
        user=user,
        months=months,
        earnings=_money_series(pairs, months),
        verified_cumulative=rules.cumulative_by_month(verified_first.values(), months),
        verified_total=len(verified_first),
        goals=goals,
        completed=len(paid),
    )
