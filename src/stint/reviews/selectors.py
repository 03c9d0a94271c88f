"""Reads for reviews, reputation, verified skills, portfolios, credentials, follow-ups
and outcomes. `access_engagement` fetches and authorises in one call: outsiders get
NotFound, so ids never reveal which engagements exist."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString

from stint.accounts.models import User
from stint.applications.models import Offer, OfferStatus
from stint.core import charts
from stint.core.errors import Forbidden, NotFound
from stint.engagements.models import Engagement
from stint.matching.engine import employer_stats_for, taxonomy
from stint.opportunities.models import Opportunity
from stint.orgs.models import Membership, Organisation, OrgKind
from stint.orgs.selectors import access_organisation
from stint.profiles.models import CareerGoal, SkillClaim
from stint.reviews import credentials, rules
from stint.reviews.models import (
    Credential,
    FollowUpOffer,
    FollowUpStatus,
    Portfolio,
    Reference,
    ReferenceShare,
    ReferenceStatus,
    ReferenceVisibility,
    Review,
    VerifiedSkill,
)
from stint_engine.scoring.model import EmployerStats

STAFF = "staff"


def is_member(user: User, organisation_id: int) -> bool:
    return bool(
        user.is_authenticated
        and Membership.objects.filter(user=user, organisation_id=organisation_id).exists()
    )


def side_of(user: User, engagement: Engagement) -> str | None:
    """The side `user` stands on in this engagement, if any."""
    if not user.is_authenticated:
        return None
    if engagement.candidate_id == user.pk:
        return rules.CANDIDATE
    if is_member(user, engagement.employer_id):
        return rules.EMPLOYER
    return None


def access_engagement(
    *, actor: User, engagement_id: int, for_update: bool = False, side: str | None = None
) -> tuple[Engagement, str]:
    """The engagement and the actor's side ("candidate", "employer", or "staff" for a
    platform admin who is neither). `side=` demands that side: outsiders get NotFound,
    the other party Forbidden."""
    qs = Engagement.objects.select_related("employer", "candidate", "opportunity")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    engagement = qs.filter(pk=engagement_id).first()
    if engagement is None or not actor.is_authenticated:
        raise NotFound("No such engagement.")
    mine = side_of(actor, engagement)
    if mine is None:
        if not actor.is_staff:
            raise NotFound("No such engagement.")
        mine = STAFF
    if side is not None and mine != side:
        raise Forbidden(
            "Only the employer's team can do this."
            if side == rules.EMPLOYER
            else "Only the candidate can do this."
        )
    return engagement, mine


def approval_time(engagement: Engagement) -> datetime:
    return rules.approval_time(engagement.approved_at, engagement.paid_at, engagement.updated_at)


# --- Reviews -----------------------------------------------------------------------------


def visible_reviews_for(*, viewer_side: str, engagement: Engagement) -> list[Review]:
    """The reviews of an engagement the viewer may read: their own side's always,
    the other side's once visible. Platform admins see only visible ones."""
    now = timezone.now()
    return [
        r
        for r in engagement.reviews.select_related("author").order_by("side")
        if r.side == viewer_side or rules.is_visible(r.visible_at, now)
    ]


def reviews_for(*, actor: User, engagement_id: int) -> tuple[Engagement, str, list[Review]]:
    engagement, side = access_engagement(actor=actor, engagement_id=engagement_id)
    return engagement, side, visible_reviews_for(viewer_side=side, engagement=engagement)


@dataclass
class ReviewState:
    """What the review page needs to know about one engagement for one viewer."""

    engagement: Engagement
    side: str
    reviews: list[Review]
    mine: Review | None
    other_in: bool  # the other side has reviewed (the review itself may be hidden)
    reveal_at: datetime
    refusal: tuple[str, str] | None
    skills: list[dict[str, Any]]  # the opportunity's required skills
    verified: dict[str, int]  # skill id → verified level
    follow_ups: list[FollowUpOffer]
    credential: Credential | None


def review_state(*, actor: User, engagement_id: int) -> ReviewState:
    engagement, side, visible = reviews_for(actor=actor, engagement_id=engagement_id)
    all_sides = set(engagement.reviews.values_list("side", flat=True))
    approved = approval_time(engagement)
    mine = next((r for r in visible if r.side == side), None)
    refusal = None
    if side == STAFF:
        refusal = ("not_party", "Only the people in this engagement review it.")
    elif mine is not None:
        refusal = ("already_reviewed", "You have reviewed this engagement.")
    else:
        refusal = rules.review_refusal(
            status=engagement.status,
            approved_at=approved,
            now=timezone.now(),
            reveal_days=settings.STINT_REVIEW_REVEAL_DAYS,
        )
    return ReviewState(
        engagement=engagement,
        side=side,
        reviews=visible,
        mine=mine,
        other_in=(rules.other_side(side) in all_sides) if side != STAFF else len(all_sides) > 0,
        reveal_at=rules.reveal_deadline(approved, settings.STINT_REVIEW_REVEAL_DAYS),
        refusal=refusal,
        skills=required_skills(engagement),
        verified=dict(engagement.verified_skills.values_list("skill_id", "level")),
        follow_ups=list(engagement.follow_ups.order_by("-created_at")),
        credential=Credential.objects.filter(engagement=engagement).first(),
    )


def required_skills(engagement: Engagement) -> list[dict[str, Any]]:
    return [
        {"id": s.skill_id, "label": s.label, "need": s.need, "level": s.level}
        for s in engagement.opportunity.skills.all()
    ]


def _visible_received(q: Q, side: str) -> QuerySet[Review]:
    return (
        Review.objects.filter(q, side=side, visible_at__lte=timezone.now())
        .select_related("engagement", "engagement__employer", "engagement__candidate")
        .order_by("-created_at")
    )


def candidate_received(user: User) -> QuerySet[Review]:
    """Visible reviews employers wrote about this candidate: all that count toward them."""
    return _visible_received(Q(engagement__candidate=user), rules.EMPLOYER)


def employer_received(org: Organisation) -> QuerySet[Review]:
    return _visible_received(Q(engagement__employer=org), rules.CANDIDATE)


@dataclass
class ReputationView:
    side: str  # the side that wrote the reviews
    subject: str
    reputation: rules.Reputation
    reviews: list[Review]
    skill_averages: list[dict[str, Any]] = field(default_factory=list)


def _skill_averages(reviews: list[Review]) -> list[dict[str, Any]]:
    sums: dict[str, list[int]] = {}
    for r in reviews:
        for skill_id, value in (r.skill_ratings or {}).items():
            sums.setdefault(skill_id, []).append(int(value))
    out = []
    for skill_id, values in sums.items():
        try:
            label = taxonomy().skill(skill_id).label
        except KeyError:
            label = skill_id
        out.append(
            {
                "id": skill_id,
                "label": label,
                "average": round(sum(values) / len(values), 2),
                "count": len(values),
            }
        )
    return sorted(out, key=lambda s: (-s["count"], s["label"]))


def candidate_reputation(user: User) -> ReputationView:
    reviews = list(candidate_received(user))
    return ReputationView(
        side=rules.EMPLOYER,
        subject=user.display_name,
        reputation=rules.reputation(rules.EMPLOYER, [r.ratings for r in reviews]),
        reviews=reviews,
        skill_averages=_skill_averages(reviews),
    )


def employer_reputation(*, actor: User | None, org: Organisation) -> ReputationView:
    reviews = list(employer_received(org))
    return ReputationView(
        side=rules.CANDIDATE,
        subject=org.name,
        reputation=rules.reputation(rules.CANDIDATE, [r.ratings for r in reviews]),
        reviews=reviews,
    )


def access_employer(*, actor: User, organisation_id: int) -> Organisation:
    org, _ = access_organisation(actor=actor, organisation_id=organisation_id)
    if org.kind != OrgKind.EMPLOYER:
        raise NotFound("No such employer.")
    return org


# --- Verified skills, portfolio ------------------------------------------------------------


def verified_skills_of(user: User) -> QuerySet[VerifiedSkill]:
    return VerifiedSkill.objects.filter(candidate=user).select_related(
        "engagement", "engagement__employer"
    )


@dataclass
class PortfolioView:
    portfolio: Portfolio
    owner: User
    is_owner: bool
    engagements: list[Engagement]
    verified: list[VerifiedSkill]
    reputation: ReputationView
    credentials: dict[int, Credential]


def portfolio_page(*, viewer: User, slug: str) -> PortfolioView:
    """A portfolio by its slug: everyone when public, only its owner otherwise (404)."""
    portfolio = Portfolio.objects.select_related("user").filter(slug=slug).first()
    is_owner = bool(portfolio and viewer.is_authenticated and portfolio.user_id == viewer.pk)
    if portfolio is None or not (portfolio.public or is_owner):
        raise NotFound("No such portfolio.")
    owner = portfolio.user
    engagements = list(
        Engagement.objects.filter(candidate=owner, status__in=rules.COMPLETED)
        .select_related("employer")
        .order_by("-paid_at", "-created_at")
    )
    return PortfolioView(
        portfolio=portfolio,
        owner=owner,
        is_owner=is_owner,
        engagements=engagements,
        verified=list(verified_skills_of(owner).order_by("label")),
        reputation=candidate_reputation(owner),
        credentials={
            c.engagement_id: c
            for c in Credential.objects.filter(engagement__in=engagements, revoked_at__isnull=True)
        },
    )


# --- Credential status -------------------------------------------------------------------------


def credential_by_id(credential_id: str | None) -> Credential | None:
    """The credential a document's `id` (urn:uuid:…) names, if Stint issued it."""
    if not credential_id or not credential_id.startswith("urn:uuid:"):
        return None
    try:
        value = uuid.UUID(credential_id.removeprefix("urn:uuid:"))
    except ValueError:
        return None
    return Credential.objects.filter(uuid=value).first()


def credential_check(document: Any) -> credentials.Verification:
    """Verify a credential: its signature against every key Stint publishes, then its
    revocation (the database is the source of the status list, and also knows when
    and why). A revoked credential is not valid, with code "revoked"."""
    result = credentials.verify(document)
    if not result.valid:
        return result
    credential = credential_by_id(result.credential_id)
    if credential is None or credential.revoked_at is None:
        return result
    return replace(
        result,
        valid=False,
        code="revoked",
        reason=f"Revoked on {credential.revoked_at:%Y-%m-%d}: {credential.revocation_reason}",
        revoked_at=credentials.iso(credential.revoked_at),
        revocation_reason=credential.revocation_reason,
    )


def revocation_list(list_no: int) -> dict[str, Any]:
    """The signed status list credential of revocation list `list_no` (public)."""
    slots = Credential.objects.filter(status_list=list_no)
    if list_no < 1 or not slots.exists():
        raise NotFound("No such status list.")
    revoked = slots.filter(revoked_at__isnull=False).values_list("status_index", flat=True)
    return credentials.status_list_credential(list_no, list(revoked), now=timezone.now())


# --- Follow-ups ------------------------------------------------------------------------------


def follow_ups_for(user: User) -> dict[str, list[FollowUpOffer]]:
    """Follow-up offers the user received (as a candidate) and their teams sent."""
    org_ids = Membership.objects.filter(user=user).values_list("organisation_id", flat=True)
    base = FollowUpOffer.objects.select_related("employer", "candidate", "engagement").order_by(
        "-created_at"
    )
    return {
        "received": list(base.filter(candidate=user)),
        "sent": list(base.filter(employer_id__in=list(org_ids))),
    }


def access_follow_up(
    *, actor: User, follow_up_id: int, for_update: bool = False
) -> tuple[FollowUpOffer, str]:
    qs = FollowUpOffer.objects.select_related("employer", "candidate", "engagement")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    offer = qs.filter(pk=follow_up_id).first()
    if offer is None or not actor.is_authenticated:
        raise NotFound("No such follow-up offer.")
    if offer.candidate_id == actor.pk:
        return offer, rules.CANDIDATE
    if is_member(actor, offer.employer_id):
        return offer, rules.EMPLOYER
    raise NotFound("No such follow-up offer.")


def employer_stats(org: Organisation | int) -> EmployerStats:
    """The engine's growth-potential input: the share of an employer's completed
    engagements followed by a follow-up offer (withdrawn ones do not count).
    The rule lives in the matching adapter, which the index also uses."""
    org_id = org if isinstance(org, int) else org.pk
    return employer_stats_for([org_id])[org_id]


# --- Outcomes ----------------------------------------------------------------------------------


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


# --- Goals, feedback, reflections and references: the two parties only ------------------


def access_party_engagement(
    *, actor: User, engagement_id: int, for_update: bool = False, side: str | None = None
) -> tuple[Engagement, str]:
    """An engagement and the actor's side (candidate or employer); anyone else,
    platform admins included, gets NotFound: goals, feedback, reflections and
    references are between the two parties."""
    engagement, mine = access_engagement(
        actor=actor, engagement_id=engagement_id, for_update=for_update
    )
    if mine not in (rules.CANDIDATE, rules.EMPLOYER):
        raise NotFound("No such engagement.")
    if side is not None and mine != side:
        raise Forbidden(
            "Only the employer's team can do this."
            if side == rules.EMPLOYER
            else "Only the candidate can do this."
        )
    return engagement, mine


# --- References ---------------------------------------------------------------------------


def access_reference(
    *, actor: User, reference_id: int, for_update: bool = False, side: str | None = None
) -> tuple[Reference, str]:
    """The candidate and the employer's members see a reference; nobody else."""
    qs = Reference.objects.select_related("engagement", "employer", "candidate", "author")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    ref = qs.filter(pk=reference_id).first()
    if ref is None or not actor.is_authenticated:
        raise NotFound("No such reference.")
    if ref.candidate_id == actor.pk:
        mine = rules.CANDIDATE
    elif is_member(actor, ref.employer_id):
        mine = rules.EMPLOYER
    else:
        raise NotFound("No such reference.")
    if side is not None and mine != side:
        raise Forbidden(
            "Only the employer's team can do this."
            if side == rules.EMPLOYER
            else "Only the candidate can do this."
        )
    return ref, mine


def references_for(user: User) -> dict[str, list[Reference]]:
    """The candidate's references, and those waiting on the employers the user belongs to."""
    orgs = Membership.objects.filter(user=user).values_list("organisation_id", flat=True)
    base = Reference.objects.select_related("engagement", "employer", "candidate")
    return {
        "mine": list(base.filter(candidate=user)),
        "to_write": list(base.filter(employer_id__in=orgs, status=ReferenceStatus.REQUESTED)),
        "written": list(base.filter(employer_id__in=orgs).exclude(status="requested")),
    }


def public_references(user: User) -> list[Reference]:
    """Written references the candidate put on their portfolio."""
    return list(
        Reference.objects.filter(
            candidate=user,
            status=ReferenceStatus.WRITTEN,
            visibility=ReferenceVisibility.PORTFOLIO,
        ).select_related("employer", "engagement")
    )


def live_shares(reference: Reference) -> list[ReferenceShare]:
    now = timezone.now()
    return [s for s in reference.shares.all() if s.revoked_at is None and s.expires_at > now]
