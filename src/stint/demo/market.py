"""The living part of the demo world: candidate profiles, postings and
applications, written through the real services so every rule holds (pay
floor, verified employers, visibility, the open-application cap, the
application lifecycle). Each step looks first and writes only what is missing,
so running it again adds nothing; dates are relative to the day of seeding and
published postings whose apply-by date is near are moved later (an extension,
which the edit rules allow even after people applied)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.utils import timezone

from stint.accounts.models import User
from stint.applications import services as applications
from stint.applications.models import Application
from stint.demo import catalog
from stint.demo.lookup import occupation_id, skill_id
from stint.engagements import services as engagements
from stint.opportunities import services as opportunities
from stint.opportunities.models import Opportunity, OpportunityStatus, Visibility
from stint.orgs.models import Membership, Organisation, OrgRole
from stint.profiles import services as profiles

# A published posting whose apply-by date is this close gets its dates moved on.
REFRESH_WHEN_DAYS_LEFT = 3


@dataclass
class MarketSummary:
    profiles: int = 0
    published: int = 0
    drafts: int = 0
    applications: int = 0
    created: int = 0  # rows this run added (0 on a second run the same day)


# --- Profiles --------------------------------------------------------------------------------


def _build_profile(spec: catalog.ProfileSpec, today: date, summary: MarketSummary) -> None:
    user = User.objects.get(email=spec.email)
    profile = profiles.profile_get_or_create(actor=user)
    if not profile.headline:
        profiles.profile_update(
            actor=user,
            headline=spec.headline,
            bio=spec.bio,
            location_country=spec.country,
            location_city=spec.city,
            time_zone=spec.time_zone,
            remote_preference=spec.remote,
            hours_per_week=spec.hours_per_week,
            interests=list(spec.interests),
            industries=list(spec.industries),
            links=list(spec.links),
        )
        summary.created += 1
    have = set(profile.skills.values_list("skill_id", flat=True))
    for label, level in spec.skills:
        sid = skill_id(label)
        if sid not in have:
            profiles.skill_add(actor=user, skill_id=sid, level=level)
            have.add(sid)
            summary.created += 1
    goals = set(profile.goals.values_list("occupation_id", flat=True))
    for title in spec.goals:
        oid = occupation_id(title)
        if oid not in goals and len(goals) < 5:
            profiles.goal_add(actor=user, occupation_id=oid)
            goals.add(oid)
            summary.created += 1
    studied = set(profile.education.values_list("institution_name", flat=True))
    for study in spec.studies:
        if study.institution not in studied:
            profiles.education_add(
                actor=user,
                institution_name=study.institution,
                degree=study.degree,
                major=study.major,
                graduation_year=today.year + study.graduation_year_offset,
            )
            summary.created += 1
    if not profile.windows.filter(end__gte=today).exists():
        start = today + timedelta(days=spec.available_from)
        profiles.window_add(
            actor=user, start=start, end=start + timedelta(days=spec.available_days)
        )
        summary.created += 1
    summary.profiles += 1


# --- Postings ------------------------------------------------------------------------------------


def _owner(org: Organisation) -> User:
    membership = (
        Membership.objects.filter(organisation=org, role=OrgRole.OWNER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:  # pragma: no cover - world.py always makes one
        raise LookupError(f"{org.name} has no owner")
    return membership.user


def _dates(spec: catalog.PostingSpec, today: date) -> tuple[date, date, date]:
    apply_by = today + timedelta(days=spec.apply_in)
    start = apply_by + timedelta(days=3)
    return apply_by, start, start + timedelta(weeks=spec.weeks)


def _posting(
    spec: catalog.PostingSpec, today: date, university: Organisation
) -> opportunities.Posting:
    apply_by, start, due = _dates(spec, today)
    return opportunities.Posting(
        title=spec.title,
        summary=spec.summary,
        deliverables=spec.deliverables,
        industry=spec.industry,
        estimated_hours=spec.hours,
        fee_minor=spec.hours * spec.hourly_major * 100,
        currency=spec.currency,
        apply_by=apply_by,
        start_date=start,
        due_date=due,
        work_mode=spec.work_mode,
        location_country=spec.country,
        location_city=spec.city,
        time_zone=spec.time_zone,
        openings=spec.openings,
        visibility=Visibility.INSTITUTIONS if spec.exclusive else Visibility.PUBLIC,
        allowed_institution_ids=(university.pk,) if spec.exclusive else (),
        skills=tuple(
            opportunities.SkillNeed(skill_id(label), need, level)
            for label, need, level in spec.skills
        ),
        questions=tuple(opportunities.Question(text) for text in spec.questions),
    )


def _build_posting(
    spec: catalog.PostingSpec, today: date, university: Organisation, summary: MarketSummary
) -> Opportunity:
    org = Organisation.objects.get(slug=spec.employer)
    owner = _owner(org)
    opportunity = Opportunity.objects.filter(employer=org, title=spec.title).first()
    if opportunity is None:
        opportunity = opportunities.opportunity_create(
            actor=owner, organisation_id=org.pk, posting=_posting(spec, today, university)
        )
        summary.created += 1
    elif (
        opportunity.status == OpportunityStatus.PUBLISHED
        and opportunity.apply_by is not None
        and opportunity.apply_by < today + timedelta(days=REFRESH_WHEN_DAYS_LEFT)
    ):
        apply_by, start, due = _dates(spec, today)
        opportunity = opportunities.opportunity_update(
            actor=owner,
            opportunity_id=opportunity.pk,
            posting=replace(
                opportunities.posting_of(opportunity),
                apply_by=max(apply_by, opportunity.apply_by),
                start_date=max(start, opportunity.start_date or start),
                due_date=max(due, opportunity.due_date or due),
            ),
        )
    if (
        spec.publish
        and opportunity.status == OpportunityStatus.DRAFT
        and opportunity.employer.is_verified
    ):
        opportunity = opportunities.opportunity_publish(actor=owner, opportunity_id=opportunity.pk)
    if opportunity.status == OpportunityStatus.PUBLISHED:
        summary.published += 1
    elif opportunity.status == OpportunityStatus.DRAFT:
        summary.drafts += 1
    return opportunity


# --- Applications -----------------------------------------------------------------------------------


def _build_application(
    spec: catalog.ApplicationSpec, postings: dict[str, Opportunity], summary: MarketSummary
) -> None:
    opportunity = postings[spec.posting]
    candidate = User.objects.get(email=spec.candidate)
    if Application.objects.filter(opportunity=opportunity, candidate=candidate).exists():
        summary.applications += 1
        return
    if opportunity.status != OpportunityStatus.PUBLISHED:  # pragma: no cover
        return
    questions = list(opportunity.questions.all())
    application = applications.application_submit(
        actor=candidate,
        opportunity_id=opportunity.pk,
        note=spec.note,
        answers={q.pk: text for q, text in zip(questions, spec.answers, strict=False)},
    )
    summary.created += 1
    summary.applications += 1
    owner = _owner(opportunity.employer)
    if spec.stage in ("shortlisted", "offered", "working"):
        applications.application_shortlist(actor=owner, application_id=application.pk)
    if spec.stage == "offered":
        applications.offer_make(actor=owner, application_id=application.pk)
    if spec.stage == "working":
        _build_engagement(application, owner, candidate)
    for side, text in spec.messages:
        sender = owner if side == "employer" else candidate
        applications.message_send(actor=sender, application_id=application.pk, body=text)


def _build_engagement(application: Application, owner: User, candidate: User) -> None:
    """An accepted offer under way, paid milestone by milestone: funded in the
    sandbox, started, the first milestone submitted and waiting for review."""
    offer = applications.offer_make(actor=owner, application_id=application.pk)
    applications.offer_accept(actor=candidate, offer_id=offer.pk)
    # The worker would open it after commit; the demo opens it now (idempotent).
    engagement = engagements.engagement_open_from_offer(offer_id=offer.pk)
    if engagement is None:  # pragma: no cover
        return
    first = engagement.fee_minor * 40 // 100
    due = engagement.due_date
    engagements.milestones_set(
        actor=owner,
        engagement_id=engagement.pk,
        milestones=[
            engagements.MilestoneIn("Cohort queries and a data dictionary", first, None),
            engagements.MilestoneIn(
                "Churn by cohort: results and a short write-up", engagement.fee_minor - first, due
            ),
        ],
    )
    engagements.engagement_start(actor=candidate, engagement_id=engagement.pk)
    milestone = engagement.milestones.order_by("position").first()
    engagements.submission_create(
        actor=candidate,
        engagement_id=engagement.pk,
        milestone_id=milestone.pk if milestone else None,
        text="The cohort queries are in the linked repository, with a data dictionary for "
        "every table they read. Monthly cohorts from January; cancellations counted on "
        "the last paid day.",
        links=["https://github.com/dev-demo/churn-cohorts"],
    )


def build_market(university: Organisation) -> MarketSummary:
    today = timezone.localdate()
    summary = MarketSummary()
    for profile_spec in catalog.PROFILES:
        _build_profile(profile_spec, today, summary)
    postings = {
        spec.title: _build_posting(spec, today, university, summary) for spec in catalog.POSTINGS
    }
    for application_spec in catalog.APPLICATIONS:
        _build_application(application_spec, postings, summary)
    return summary
