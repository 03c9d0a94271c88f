"""Reads for career growth and the access checks that fetch and authorise in one
call. Outsiders get NotFound (ids never reveal existence)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import SafeString

from stint.accounts.models import User
from stint.applications.models import Application
from stint.applications.selectors import pending_picks
from stint.core import charts
from stint.core.errors import NotFound
from stint.engagements.models import Engagement
from stint.growth import rules
from stint.growth.models import (
    Connection,
    ConnectionStatus,
    FeedbackRequest,
    GrowthSettings,
    LearningGoal,
    Reflection,
)
from stint.matching import roadmap as engine_roadmap
from stint.matching.engine import candidate_data
from stint.matching.recommend import recommendations_for
from stint.opportunities.models import Opportunity
from stint.orgs.models import Membership, Organisation, OrgKind
from stint.profiles.models import CandidateProfile, CareerGoal, SkillClaim
from stint.programs.models import CohortMember
from stint.reviews import rules as review_rules
from stint.reviews.models import Reference, ReferenceStatus, VerifiedSkill

# Goals, feedback and reflections are between the two parties, as references are.
from stint.reviews.selectors import access_party_engagement as access_engagement

# --- Shared -------------------------------------------------------------------------------


def is_member(user: User, organisation_id: int) -> bool:
    return bool(
        user.is_authenticated
        and Membership.objects.filter(user=user, organisation_id=organisation_id).exists()
    )


def settings_of(user: User) -> GrowthSettings:
    """The candidate's consents (an unsaved all-off row when never set)."""
    found = GrowthSettings.objects.filter(user=user).first() if user.is_authenticated else None
    return found or GrowthSettings(user=user)


# --- Engagement growth --------------------------------------------------------------------


def submitted_once(engagement: Engagement) -> bool:
    if engagement.submitted_at is not None:
        return True
    submissions = getattr(engagement, "submissions", None)
    return bool(submissions is not None and submissions.exists())


def feedback_is_open(engagement: Engagement) -> bool:
    return rules.feedback_open(
        status=engagement.status,
        today=timezone.localdate(),
        start=engagement.start_date or timezone.localdate(engagement.created_at),
        due=engagement.due_date,
        submitted=submitted_once(engagement),
    )


@dataclass
class EngagementGrowth:
    engagement: Engagement
    side: str
    goals: list[LearningGoal]
    can_set_goals: bool
    midpoint: Any
    feedback: list[FeedbackRequest]
    can_ask_feedback: bool
    reflection: Reflection | None
    can_reflect: bool
    references: list[Reference]
    can_request_reference: bool


def engagement_growth(engagement: Engagement, side: str) -> EngagementGrowth:
    feedback = list(engagement.feedback_requests.all())
    references = list(engagement.references.select_related("author"))
    completed = engagement.status in rules.COMPLETED
    reflection = Reflection.objects.filter(engagement=engagement).first()
    return EngagementGrowth(
        engagement=engagement,
        side=side,
        goals=list(engagement.learning_goals.all()),
        can_set_goals=side == rules.CANDIDATE and engagement.status in rules.GOAL_STATUSES,
        midpoint=rules.midpoint(
            engagement.start_date or timezone.localdate(engagement.created_at),
            engagement.due_date,
        ),
        feedback=feedback,
        can_ask_feedback=side == rules.CANDIDATE
        and feedback_is_open(engagement)
        and not any(f.answered_at is None for f in feedback),
        # The reflection is the candidate's own: the employer never reads it here.
        reflection=reflection if side == rules.CANDIDATE else None,
        can_reflect=side == rules.CANDIDATE and completed,
        references=references,
        can_request_reference=side == rules.CANDIDATE
        and completed
        and not any(r.status != ReferenceStatus.DECLINED for r in references),
    )


def access_feedback(
    *, actor: User, feedback_id: int, for_update: bool = False, side: str | None = None
) -> FeedbackRequest:
    fr = FeedbackRequest.objects.filter(pk=feedback_id).first()
    if fr is None:
        raise NotFound("No such feedback request.")
    access_engagement(actor=actor, engagement_id=fr.engagement_id, side=side)
    if for_update:
        fr = FeedbackRequest.objects.select_for_update().get(pk=fr.pk)
    return fr


def public_reflections(user: User) -> list[Reflection]:
    """Reflections the candidate chose to show on their portfolio (for the portfolio page)."""
    return list(
        Reflection.objects.filter(candidate=user, on_portfolio=True)
        .select_related("engagement", "engagement__employer")
        .order_by("-created_at")
    )


# --- Tailoring help ---------------------------------------------------------------------------


@dataclass
class TailoringItem:
    skill_id: str
    label: str
    need: str
    how: str  # "verified" | "claimed" | "related"
    via_label: str
    evidence: list[str]  # past engagements where it was used or verified


@dataclass
class Tailoring:
    opportunity: Opportunity
    shows: list[TailoringItem]
    missing: list[dict[str, str]]
    engagements: list[str]

    @property
    def emphasise(self) -> list[str]:
        return [i.label for i in self.shows if i.need == "essential"][:3]


def tailoring_for(user: User, opportunity: Opportunity) -> Tailoring:
    """Which of the candidate's skills, verified skills and past engagements meet this
    posting's requirements, and which requirements they do not show yet. Read-only:
    the note stays the candidate's to write."""
    credits = engine_roadmap.requirement_credits(user, opportunity)
    verified = {
        v.skill_id: v
        for v in VerifiedSkill.objects.filter(candidate=user).select_related("engagement")
    }
    past = list(
        Engagement.objects.filter(candidate=user, status__in=["approved", "paid", "resolved"])
        .prefetch_related("opportunity__skills")
        .order_by("-created_at")
    )
    used_in: dict[str, list[str]] = {}
    for e in past:
        for r in e.opportunity.skills.all():
            used_in.setdefault(r.skill_id, []).append(e.title)
    for sid, v in verified.items():
        used_in.setdefault(sid, [])
        if v.engagement.title not in used_in[sid]:
            used_in[sid].append(v.engagement.title)
    shows, missing = [], []
    for c in credits:
        if c["via"] is None or c["credit"] <= 0:
            missing.append({"skill_id": c["skill_id"], "label": c["label"], "need": c["need"]})
            continue
        via = c["via"]
        if c["direct"]:
            how = "verified" if (via in verified or c["source"] == "verified") else "claimed"
        else:
            how = "related"
        shows.append(
            TailoringItem(
                skill_id=c["skill_id"],
                label=c["label"],
                need=c["need"],
                how=how,
                via_label=c["via_label"],
                evidence=list(dict.fromkeys(used_in.get(via, []) + used_in.get(c["skill_id"], [])))[
                    :3
                ],
            )
        )
    order = {"verified": 0, "claimed": 1, "related": 2}
    shows.sort(key=lambda i: (i.need != "essential", order[i.how], i.label))
    missing.sort(key=lambda m: (m["need"] != "essential", m["label"]))
    return Tailoring(
        opportunity=opportunity,
        shows=shows,
        missing=missing,
        engagements=[e.title for e in past[:5]],
    )


def opportunity_for_tailoring(*, actor: User, opportunity_id: int) -> Opportunity:
    """A published opportunity a candidate can see (hidden ones do not leak)."""
    from stint.applications.selectors import opportunity_for_applying

    if not actor.is_authenticated:
        raise NotFound("No such opportunity.")
    return opportunity_for_applying(actor=actor, opportunity_id=opportunity_id)


# --- Explore ----------------------------------------------------------------------------------


@dataclass
class ExploreItem:
    opportunity: Opportunity
    score: float
    novel: bool
    occupation_id: str
    occupation: str
    reason: str
    transferring: list[str]


def _history_occupations(user: User) -> tuple[set[str], set[str]]:
    """Occupations and industries the candidate has tried, aims at or stands in: career
    goals, the postings of past engagements and applications (read whole: title,
    summary and skills), the profile headline (a job title), and the occupations the
    skills on their profile already point to."""
    occupations = set(
        CareerGoal.objects.filter(profile__user=user).values_list("occupation_id", flat=True)
    )
    held = SkillClaim.objects.filter(profile__user=user).values_list("skill_id", flat=True)
    occupations.update(engine_roadmap.occupations_of_skills(held))
    industries: set[str] = set()
    tried = (
        Opportunity.objects.filter(Q(applications__candidate=user) | Q(engagements__candidate=user))
        .distinct()
        .prefetch_related("skills")
    )
    tried_occupations = engine_roadmap.occupations_of_opportunities(tried)
    for o in tried:
        found = tried_occupations[o.pk]
        if found:
            occupations.add(found[0])
        if o.industry:
            industries.add(o.industry.strip().casefold())
    profile = CandidateProfile.objects.filter(user=user).first()
    if profile is not None:
        industries.update(i.strip().casefold() for i in profile.industries if i.strip())
        if profile.headline.strip():
            found = engine_roadmap.occupation_of_title(profile.headline)
            if found:
                occupations.add(found[0])
    return occupations, industries


def explore_for(user: User, *, k: int = rules.EXPLORE_K, pool: int = 40) -> list[ExploreItem]:
    """Recommendations re-ranked to reach into occupations (and industries) the
    candidate has not tried where their skills transfer: the top of the usual
    ranking is kept, the rest filled with the best-ranked new ones, each with why.

    "New direction" means all of: the posting's occupation (from its title, summary
    and skills) is neither one the candidate aims at or has tried nor a neighbour of
    one (same ISCO minor group or high skill overlap); and some of the candidate's
    skills, held or credited through a related one, are skills that occupation uses.
    The reason names only those skills."""
    recs = recommendations_for(user, k=pool, prefetch=("skills", "allowed_institutions")).items
    seen_occ, seen_ind = _history_occupations(user)
    info: dict[int, tuple[str, str, bool, list[str]]] = {}
    cand = candidate_data(user)
    occupations = engine_roadmap.occupations_of_opportunities(r.opportunity for r in recs)
    for rec in recs:
        o = rec.opportunity
        found = occupations[o.pk]
        occ_id, occ_label = found if found else ("", "")
        credits = engine_roadmap.requirement_credits(user, o, candidate=cand)
        held = [c for c in credits if c["via"] and c["credit"] > 0]
        if occ_id:
            new = not any(engine_roadmap.occupations_close(occ_id, seen) for seen in seen_occ)
            # a skill transfers when the occupation uses it or the requirement it covers
            uses = set(
                engine_roadmap.skills_relating_to(
                    occ_id, [c["via"] for c in held] + [c["skill_id"] for c in held]
                )
            )
            transferring = [c["via_label"] for c in held if {c["via"], c["skill_id"]} & uses]
        else:
            industry = (o.industry or "").strip().casefold()
            new = bool(industry) and industry not in seen_ind
            transferring = [c["via_label"] for c in held]
        novel = new and bool(transferring)
        info[o.pk] = (occ_id, occ_label, novel, transferring)
    ordered = rules.explore(recs, lambda r: info[r.opportunity.pk][2], k=k)
    items = []
    for rec in ordered:
        occ_id, occ_label, novel, transferring = info[rec.opportunity.pk]
        where = occ_label.lower() if occ_label else ""
        if rec.opportunity.industry and not where:
            where = rec.opportunity.industry
        items.append(
            ExploreItem(
                opportunity=rec.opportunity,
                score=rec.fit.score,
                novel=novel,
                occupation_id=occ_id,
                occupation=occ_label,
                reason=rules.explore_reason(transferring, where)
                if novel
                else (rec.fit.explanation[0] if rec.fit.explanation else ""),
                transferring=list(dict.fromkeys(transferring)),
            )
        )
    return items


# --- Roadmaps ---------------------------------------------------------------------------------


def access_goal(*, actor: User, goal_id: int) -> CareerGoal:
    goal = CareerGoal.objects.select_related("profile").filter(pk=goal_id).first()
    if goal is None or not actor.is_authenticated or goal.profile.user_id != actor.pk:
        raise NotFound("No such career goal.")
    return goal


def _shown_months(user: User) -> tuple[dict[str, str], dict[str, str]]:
    """skill id → month first shown (claimed or verified), and → how it is shown now."""
    shown: dict[str, str] = {}
    how: dict[str, str] = {}
    for sid, created, source in SkillClaim.objects.filter(profile__user=user).values_list(
        "skill_id", "created_at", "source"
    ):
        key = review_rules.month_key(timezone.localtime(created))
        if sid not in shown or key < shown[sid]:
            shown[sid] = key
        how[sid] = "verified" if source == "verified" else "claimed"
    for sid, created in VerifiedSkill.objects.filter(candidate=user).values_list(
        "skill_id", "created_at"
    ):
        key = review_rules.month_key(timezone.localtime(created))
        if sid not in shown or key < shown[sid]:
            shown[sid] = key
        how[sid] = "verified"
    return shown, how


@dataclass
class Roadmap:
    goal: CareerGoal
    essential: int
    shown: list[dict[str, str]]  # {"id", "label", "how"}
    gaps: list[dict[str, Any]]  # ranked; each with "examples": [Opportunity]
    kinds: list[tuple[str, int]]  # kinds of micro-internship (industry or title) → count
    months: list[str]
    coverage: list[int]

    @property
    def percent(self) -> int:
        return self.coverage[-1] if self.coverage else 0

    @property
    def chart(self) -> SafeString:
        return charts.line_chart(
            f"Share of {self.goal.label}'s essential skills you show, by month",
            self.months,
            [charts.Series(self.goal.label[:40], self.coverage)],
            chart_id=f"roadmap-{self.goal.pk}",
            unit="%",
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "goal_id": self.goal.pk,
            "occupation_id": self.goal.occupation_id,
            "label": self.goal.label,
            "essential_skills": self.essential,
            "shown": self.shown,
            "gaps": [
                {
                    "skill_id": g["skill_id"],
                    "label": g["label"],
                    "importance": g["importance"],
                    "opportunity_ids": g["opportunity_ids"],
                    "examples": [
                        {"id": o.pk, "title": o.title, "employer": o.employer.name}
                        for o in g["examples"]
                    ],
                }
                for g in self.gaps
            ],
            "kinds": [{"kind": k, "opportunities": n} for k, n in self.kinds],
            "months": self.months,
            "coverage_percent": self.coverage,
        }


EXAMPLES_PER_GAP = 3


def roadmap_for(user: User, goal: CareerGoal, *, gaps_shown: int = 10) -> Roadmap:
    essential = engine_roadmap.essential_skills(goal.occupation_id)
    essential_ids = [s["id"] for s in essential]
    shown_months, how = _shown_months(user)
    open_opps = list(
        Opportunity.objects.filter(
            status="published", visibility="public", skills__skill_id__in=essential_ids
        )
        .distinct()
        .select_related("employer")
        .prefetch_related("skills", "allowed_institutions")
        .order_by("-published_at")[:300]
    )
    by_id = {o.pk: o for o in open_opps}
    gaps = engine_roadmap.goal_gaps(user, goal.occupation_id, open_opps)
    # The engine counts profile skills; a verified skill not (yet) on the profile counts too.
    gaps = [g for g in gaps if g["skill_id"] not in how][:gaps_shown]
    kinds: Counter[str] = Counter()
    # postings without an industry are counted by their occupation (read whole, one batch)
    unlabelled = {
        i: by_id[i]
        for g in gaps
        for i in g["opportunity_ids"]
        if i in by_id and not (by_id[i].industry or "").strip()
    }
    kind_of = engine_roadmap.occupations_of_opportunities(unlabelled.values())
    for g in gaps:
        g["examples"] = [by_id[i] for i in g["opportunity_ids"][:EXAMPLES_PER_GAP] if i in by_id]
        for i in g["opportunity_ids"]:
            o = by_id.get(i)
            if o is not None:
                found = kind_of.get(o.pk)
                kinds[(o.industry or "").strip() or (found[1] if found else o.title)] += 1
    months = review_rules.last_months(timezone.localdate(), 12)
    return Roadmap(
        goal=goal,
        essential=len(essential_ids),
        shown=[
            {"id": s["id"], "label": s["label"], "how": how[s["id"]]}
            for s in essential
            if s["id"] in how
        ],
        gaps=gaps,
        kinds=kinds.most_common(5),
        months=months,
        coverage=review_rules.coverage_by_month(essential_ids, shown_months, months),
    )


def roadmaps_summary(user: User) -> list[dict[str, Any]]:
    """Per goal: label, percent of essential skills shown, top gap."""
    out = []
    shown_months, how = _shown_months(user)
    months = review_rules.last_months(timezone.localdate(), 1)
    for goal in CareerGoal.objects.filter(profile__user=user).order_by("created_at", "pk"):
        essential = [s["id"] for s in engine_roadmap.essential_skills(goal.occupation_id)]
        if not essential:
            continue
        percent = review_rules.coverage_by_month(essential, shown_months, months)[-1]
        gaps = [
            g
            for g in engine_roadmap.goal_gaps(user, goal.occupation_id)
            if g["skill_id"] not in how
        ]
        out.append(
            {
                "goal": goal,
                "percent": percent,
                "next_gap": gaps[0]["label"] if gaps else "",
            }
        )
    return out


# --- Network -------------------------------------------------------------------------------


def worked_with(user: User) -> dict[int, str]:
    """People the user has worked with → how: the employer members on their
    engagements and their mentors (the staff of institutions running programs
    they are in); for an employer member, the candidates of their engagements."""
    people: dict[int, str] = {}
    for e in Engagement.objects.filter(candidate=user).select_related("employer"):
        for uid in Membership.objects.filter(organisation=e.employer).values_list(
            "user_id", flat=True
        ):
            people.setdefault(uid, f"{e.employer.name}: {e.title}")
    for cm in CohortMember.objects.filter(student=user).select_related("program__institution"):
        inst = cm.program.institution
        for uid in Membership.objects.filter(organisation=inst).values_list("user_id", flat=True):
            people.setdefault(uid, f"Mentor at {inst.name}: {cm.program.name}")
    orgs = list(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))
    for e in Engagement.objects.filter(employer_id__in=orgs).select_related("employer"):
        people.setdefault(e.candidate_id, f"{e.employer.name}: {e.title}")
    for cm in CohortMember.objects.filter(program__institution_id__in=orgs).select_related(
        "program"
    ):
        people.setdefault(cm.student_id, f"Mentee in {cm.program.name}")
    people.pop(user.pk, None)
    return people


def connections_of(user: User) -> list[dict[str, Any]]:
    """Accepted connections: the other person and the context."""
    rows = Connection.objects.filter(
        Q(requester=user) | Q(recipient=user), status=ConnectionStatus.ACCEPTED
    ).select_related("requester", "recipient")
    return [
        {
            "connection": c,
            "person": c.recipient if c.requester_id == user.pk else c.requester,
            "context": c.context,
        }
        for c in rows
    ]


def network_page(user: User) -> dict[str, Any]:
    connected = {c["person"].pk for c in connections_of(user)}
    pending_out = set(
        Connection.objects.filter(requester=user, status="pending").values_list(
            "recipient_id", flat=True
        )
    )
    pending_in = list(
        Connection.objects.filter(recipient=user, status="pending").select_related("requester")
    )
    pending_in_ids = {c.requester_id for c in pending_in}
    people = worked_with(user)
    users = {u.pk: u for u in User.objects.filter(pk__in=list(people))}
    suggestions = [
        {"person": users[uid], "context": ctx}
        for uid, ctx in people.items()
        if uid in users and uid not in connected | pending_out | pending_in_ids
    ]
    return {
        "connections": connections_of(user),
        "incoming": pending_in,
        "outgoing": list(
            Connection.objects.filter(requester=user, status="pending").select_related("recipient")
        ),
        "suggestions": suggestions,
        "settings": settings_of(user),
    }


def access_connection(*, actor: User, connection_id: int, for_update: bool = False) -> Connection:
    qs = Connection.objects.select_related("requester", "recipient")
    if for_update:
        qs = qs.select_for_update()
    c = qs.filter(pk=connection_id).first()
    if c is None or not actor.is_authenticated or actor.pk not in (c.requester_id, c.recipient_id):
        raise NotFound("No such connection.")
    return c


def _employer_knows(viewer: User, candidate: User) -> bool:
    """The viewer belongs to an employer the candidate applied to or worked for."""
    orgs = list(Membership.objects.filter(user=viewer).values_list("organisation_id", flat=True))
    if not orgs:
        return False
    return (
        Application.objects.filter(candidate=candidate, opportunity__employer_id__in=orgs).exists()
        or Engagement.objects.filter(candidate=candidate, employer_id__in=orgs).exists()
    )


def visible_connections(*, viewer: User, candidate_id: int) -> list[dict[str, Any]]:
    """The candidate's connections as `viewer` may see them: the candidate always;
    an employer they applied to or worked for only when the candidate allows it.
    Anyone else gets NotFound. For the profile page and the API."""
    candidate = User.objects.filter(pk=candidate_id).first()
    if candidate is None or not viewer.is_authenticated:
        raise NotFound("No such person.")
    if viewer.pk != candidate.pk and not (
        settings_of(candidate).show_connections and _employer_knows(viewer, candidate)
    ):
        raise NotFound("No such person.")
    return connections_of(candidate)


# --- Skill growth for past employers ----------------------------------------------------------


def access_employer(*, actor: User, organisation_id: int) -> Organisation:
    org = Organisation.objects.filter(pk=organisation_id, kind=OrgKind.EMPLOYER).first()
    if org is None or not is_member(actor, org.pk):
        raise NotFound("No such employer.")
    return org


@dataclass
class InternGrowth:
    candidate: User
    engagements: list[str]
    timeline: list[dict[str, Any]]  # {"label", "level", "month", "with_you"}
    months: list[str]
    cumulative: list[int]
    since_you: int  # verified skills gained after their last engagement with you

    @property
    def chart(self) -> SafeString:
        return charts.line_chart(
            f"Verified skills of {self.candidate.display_name} (running total)",
            self.months,
            [charts.Series("Verified skills", self.cumulative)],
            chart_id=f"intern-{self.candidate.pk}",
        )


def skill_growth_for(org: Organisation) -> list[InternGrowth]:
    """Past interns of `org` who allow it: how their verified skills grew (other
    employers stay unnamed)."""
    done = Engagement.objects.filter(
        employer=org, status__in=["approved", "paid", "resolved"]
    ).order_by("created_at")
    by_candidate: dict[int, list[Engagement]] = {}
    for e in done:
        by_candidate.setdefault(e.candidate_id, []).append(e)
    consenting = set(
        GrowthSettings.objects.filter(
            user_id__in=list(by_candidate), share_skill_growth=True
        ).values_list("user_id", flat=True)
    )
    users = {u.pk: u for u in User.objects.filter(pk__in=consenting)}
    months = review_rules.last_months(timezone.localdate(), 12)
    out = []
    for uid in sorted(consenting, key=lambda i: users[i].display_name):
        engagements = by_candidate[uid]
        ours = {e.pk for e in engagements}
        last = max(
            (e.approved_at or e.paid_at or e.updated_at for e in engagements),
            default=None,
        )
        firsts: dict[str, VerifiedSkill] = {}
        for v in VerifiedSkill.objects.filter(candidate_id=uid).order_by("created_at", "pk"):
            firsts.setdefault(v.skill_id, v)
        timeline = [
            {
                "skill_id": v.skill_id,
                "label": v.label,
                "level": v.level,
                "month": review_rules.month_key(timezone.localtime(v.created_at)),
                "verified_at": v.created_at,
                "with_you": v.engagement_id in ours,
            }
            for v in firsts.values()
        ]
        out.append(
            InternGrowth(
                candidate=users[uid],
                engagements=[e.title for e in engagements],
                timeline=timeline,
                months=months,
                cumulative=review_rules.cumulative_by_month([t["month"] for t in timeline], months),
                since_you=sum(
                    1 for v in firsts.values() if last is not None and v.created_at > last
                ),
            )
        )
    return out


# --- Dashboard ---------------------------------------------------------------------------------


def dashboard_candidate(user: User) -> dict[str, Any]:
    """The growth panel of a candidate's dashboard: roadmap summary, interviews to
    pick a time for, feedback answered, references waiting."""
    if not user.is_authenticated:
        return {"roadmaps": [], "picks": [], "feedback": [], "references": []}
    return {
        "roadmaps": roadmaps_summary(user),
        "picks": pending_picks(user),
        "feedback": list(
            FeedbackRequest.objects.filter(
                engagement__candidate=user, answered_at__isnull=False
            ).select_related("engagement")[:3]
        ),
        "open_feedback": FeedbackRequest.objects.filter(
            engagement__candidate=user, answered_at__isnull=True
        ).count(),
        "references": list(
            Reference.objects.filter(candidate=user, status=ReferenceStatus.REQUESTED)
        ),
    }
