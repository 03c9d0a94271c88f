"""Reads for applications, offers and threads, and the access checks that
fetch and authorise in one call."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from stint.accounts.models import User
from stint.applications import rules
from stint.applications.models import (
    OPEN_STATUSES,
    Application,
    ApplicationStatus,
    ApplyInvite,
    Interview,
    InterviewNote,
    InterviewStatus,
    Message,
    Offer,
    OfferStatus,
    ThreadRead,
)
from stint.core.errors import Forbidden, NotFound
from stint.core.money import Money
from stint.opportunities.models import Opportunity
from stint.orgs.models import Affiliation, Membership, Organisation, OrgKind
from stint.payments.services import funding_amount_for
from stint.profiles.models import CandidateProfile

Side = Literal["candidate", "employer"]

# The window within which an employer's first decision counts as "a response".
RESPONSE_WINDOW_DAYS = 7


def is_member(user: User, organisation_id: int) -> bool:
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, organisation_id=organisation_id).exists()
    )


def side_of(user: User, application: Application) -> Side | None:
    if not user.is_authenticated:
        return None
    if application.candidate_id == user.pk:
        return "candidate"
    if is_member(user, application.opportunity.employer_id):
        return "employer"
    return None


def access_application(
    *,
    actor: User,
    application_id: int,
    for_update: bool = False,
    side: Side | None = None,
) -> Application:
    """The application, if the actor is its candidate or a member of the
    opportunity's employer; anyone else gets NotFound. With `side`, the actor
    must be on that side (else Forbidden: they may see it, not do this)."""
    qs = Application.objects.select_related("opportunity", "opportunity__employer", "candidate")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    application = qs.filter(pk=application_id).first()
    if application is None:
        raise NotFound("No such application.")
    actual = side_of(actor, application)
    if actual is None:
        raise NotFound("No such application.")
    if side is not None and actual != side:
        if side == "employer":
            raise Forbidden("Only the employer's team can do that.")
        raise Forbidden("Only the candidate can do that.")
    return application


def access_applicant(*, actor: User, application_id: int) -> tuple[Application, CandidateProfile]:
    """The profile of an application's candidate, for the employer's team only
    (issue 14 item 9): an employer sees the profiles of people who applied to its
    postings, nobody else's. Strangers and other employers get NotFound (ids do
    not leak); the candidate gets Forbidden (their own profile is at /profile/)."""
    application = access_application(actor=actor, application_id=application_id, side="employer")
    profile = (
        CandidateProfile.objects.select_related("user")
        .filter(user_id=application.candidate_id)
        .first()
    )
    if profile is None:
        raise NotFound(f"{application.candidate.display_name} has no profile yet.")
    return application, profile


def public_portfolio_slug(user: User) -> str | None:
    """The slug of the user's portfolio when it is public. Read through the
    reverse relation `user.portfolio` (reviews sits above applications)."""
    portfolio = getattr(user, "portfolio", None)
    return portfolio.slug if portfolio is not None and portfolio.public else None


def access_offer(*, actor: User, offer_id: int, side: Side | None = None) -> Offer:
    offer = Offer.objects.select_related("application").filter(pk=offer_id).first()
    if offer is None:
        raise NotFound("No such offer.")
    access_application(actor=actor, application_id=offer.application_id, side=side)
    return offer


def access_opportunity_as_employer(
    *, actor: User, opportunity_id: int, for_update: bool = False
) -> Opportunity:
    """An opportunity whose employer the actor is a member of; else NotFound."""
    qs = Opportunity.objects.select_related("employer")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    opportunity = qs.filter(pk=opportunity_id).first()
    if opportunity is None or not is_member(actor, opportunity.employer_id):
        raise NotFound("No such opportunity.")
    return opportunity


def is_invited(user: User, opportunity: Opportunity) -> bool:
    return ApplyInvite.objects.filter(opportunity=opportunity, candidate=user).exists()


def is_affiliated(user: User, opportunity: Opportunity) -> bool:
    return Affiliation.objects.filter(
        user=user, institution__in=opportunity.allowed_institutions.all()
    ).exists()


def opportunity_for_applying(*, actor: User, opportunity_id: int) -> Opportunity:
    """The opportunity if the actor may see it to apply (published, and within
    its visibility); else NotFound so that hidden opportunities do not leak."""
    opportunity = (
        Opportunity.objects.select_related("employer")
        .prefetch_related("questions")
        .filter(pk=opportunity_id)
        .first()
    )
    if opportunity is None or not actor.is_authenticated:
        raise NotFound("No such opportunity.")
    visible = rules.may_see_for_applying(
        status=opportunity.status,
        visibility=opportunity.visibility,
        affiliated=opportunity.visibility == "institutions" and is_affiliated(actor, opportunity),
        invited=opportunity.visibility != "public" and is_invited(actor, opportunity),
    )
    if not visible and not is_member(actor, opportunity.employer_id):
        raise NotFound("No such opportunity.")
    return opportunity


def open_application_count(user: User) -> int:
    return Application.objects.filter(candidate=user, status__in=OPEN_STATUSES).count()


# --- Lists ----------------------------------------------------------------------------


def applications_of_candidate(user: User) -> QuerySet[Application]:
    return (
        Application.objects.filter(candidate=user)
        .select_related("opportunity", "opportunity__employer")
        .prefetch_related("offers")
        .annotate(unread=_unread_subquery(user))
        .order_by("-updated_at", "-pk")
    )


def applicants_ranked(opportunity: Opportunity) -> QuerySet[Application]:
    """Applicants, best fit first (the score and explanation stored at apply time).
    One function on purpose: the lead may swap in the engine's index here."""
    return (
        Application.objects.filter(opportunity=opportunity)
        .select_related("candidate")
        .order_by(F("fit_score").desc(nulls_last=True), "created_at", "pk")
    )


def applications_detail(application: Application) -> dict[str, object]:
    return {
        "answers": list(
            application.answers.select_related("question").order_by("question__position")
        ),
        "offers": list(application.offers.all()),
    }


def live_offer(application: Application) -> Offer | None:
    return application.offers.filter(status=OfferStatus.PENDING).first()


@dataclass(frozen=True)
class OfferCharge:
    """What the employer is charged into escrow when the candidate accepts."""

    fee: Money
    platform_fee: Money
    total: Money


def offer_charge(fee_minor: int, currency: str) -> OfferCharge:
    fee = Money(fee_minor, currency)
    total = funding_amount_for(fee)
    return OfferCharge(fee=fee, platform_fee=total - fee, total=total)


def next_step_for(user: User, application: Application) -> str:
    """The sentence telling this party who must act next (rules.next_step)."""
    side = side_of(user, application) or "candidate"
    latest = application.offers.order_by("-created_at", "-pk").first()
    return rules.next_step(
        side=side,
        status=application.status,
        offer_status=latest.status if latest else None,
        employer=application.opportunity.employer.name,
        candidate=application.candidate.display_name,
        countered=bool(
            latest and latest.status == OfferStatus.PENDING and latest.counter_fee_minor
        ),
    )


def invites_of(opportunity: Opportunity) -> QuerySet[ApplyInvite]:
    return opportunity.apply_invites.select_related("candidate").order_by("-created_at")


# --- Threads ---------------------------------------------------------------------------


def thread_of(application: Application) -> QuerySet[Message]:
    return application.messages.select_related("sender").order_by("created_at", "pk")


def _unread_subquery(user: User) -> Subquery:
    last_read = ThreadRead.objects.filter(application=OuterRef("application"), user=user).values(
        "last_read_at"
    )[:1]
    unread = (
        Message.objects.filter(application=OuterRef("pk"))
        .exclude(sender=user)
        .annotate(last_read=Subquery(last_read))
        .filter(Q(last_read__isnull=True) | Q(created_at__gt=F("last_read")))
        .order_by()
        .values("application")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(unread)


# How many threads the inbox lists (the busiest people have a few dozen).
INBOX_LIMIT = 200


def inbox_of(user: User, limit: int = INBOX_LIMIT) -> list[Application]:
    """Every application thread the user takes part in that has a message, newest
    message first (issue 14 item 11), each annotated with `last_at`, `last_body`,
    `last_attachment`, `last_sender_id` and `unread` (messages from others since
    the user last opened the thread)."""
    if not user.is_authenticated:
        return []
    org_ids = Membership.objects.filter(user=user).values("organisation_id")
    last = Message.objects.filter(application=OuterRef("pk")).order_by("-created_at", "-pk")
    return list(
        Application.objects.filter(Q(candidate=user) | Q(opportunity__employer_id__in=org_ids))
        .annotate(
            last_at=Subquery(last.values("created_at")[:1]),
            last_body=Subquery(last.values("body")[:1]),
            last_attachment=Subquery(last.values("attachment_name")[:1]),
            last_sender_id=Subquery(last.values("sender_id")[:1]),
            unread=Coalesce(_unread_subquery(user), 0),
        )
        .filter(last_at__isnull=False)
        .select_related("opportunity", "opportunity__employer", "candidate")
        .order_by("-last_at", "-pk")[:limit]
    )


def unread_count(user: User, application: Application) -> int:
    read = ThreadRead.objects.filter(application=application, user=user).first()
    qs = application.messages.exclude(sender=user)
    if read is not None:
        qs = qs.filter(created_at__gt=read.last_read_at)
    return qs.count()


# --- Employer response stats -----------------------------------------------------------


def employer_response_stats(
    org: Organisation, *, window_days: int = RESPONSE_WINDOW_DAYS, now: datetime | None = None
) -> rules.ResponseStats:
    """Response rate (share of applications with a first employer decision within
    `window_days`) and median time to that decision, over the employer's
    applications. Withdrawn-before-answer applications are left out."""
    samples = (
        Application.objects.filter(opportunity__employer=org)
        .exclude(status=ApplicationStatus.WITHDRAWN, first_response_at__isnull=True)
        .values_list("created_at", "first_response_at")
    )
    return rules.response_stats(samples, now=now or timezone.now(), window_days=window_days)


# --- Dashboards ------------------------------------------------------------------------


@dataclass
class CandidateDashboard:
    open_applications: list[Application] = field(default_factory=list)
    pending_offers: list[Offer] = field(default_factory=list)
    open_count: int = 0
    cap: int = 0


def dashboard_candidate(user: User) -> CandidateDashboard:
    apps = list(
        Application.objects.filter(candidate=user, status__in=OPEN_STATUSES)
        .select_related("opportunity", "opportunity__employer")
        .order_by("-updated_at")[:10]
    )
    offers = list(
        Offer.objects.filter(
            application__candidate=user,
            status=OfferStatus.PENDING,
            expires_at__gt=timezone.now(),
        )
        .select_related("application__opportunity", "application__opportunity__employer")
        .order_by("expires_at")
    )
    return CandidateDashboard(
        open_applications=apps,
        pending_offers=offers,
        open_count=open_application_count(user),
        cap=settings.STINT_OPEN_APPLICATION_CAP,
    )


@dataclass
class EmployerRow:
    opportunity: Opportunity
    waiting: int  # submitted, no decision yet
    oldest_waiting: datetime | None


def dashboard_employer(user: User) -> list[EmployerRow]:
    """Per opportunity of the user's employers: new applicants waiting for a decision."""
    org_ids = Membership.objects.filter(user=user, organisation__kind=OrgKind.EMPLOYER).values_list(
        "organisation_id", flat=True
    )
    opportunities = (
        Opportunity.objects.filter(employer_id__in=org_ids, status="published")
        .select_related("employer")
        .annotate(
            waiting=Count(
                "applications", filter=Q(applications__status=ApplicationStatus.SUBMITTED)
            ),
            oldest=Min(
                "applications__created_at",
                filter=Q(applications__status=ApplicationStatus.SUBMITTED),
            ),
        )
        .filter(waiting__gt=0)
        .order_by("-waiting")
    )
    return [
        EmployerRow(opportunity=o, waiting=o.waiting, oldest_waiting=o.oldest)
        for o in opportunities
    ]


def access_attachment(*, actor: User, application_id: int, message_id: int) -> Message:
    """A message's attachment, for the application's two sides only."""
    application = access_application(actor=actor, application_id=application_id)
    message = application.messages.filter(pk=message_id).exclude(attachment="").first()
    if message is None:
        raise NotFound("No such attachment.")
    return message


def engagement_id_of(offer: Offer) -> int | None:
    """The engagement an accepted offer became. Read through the reverse
    relation by name: engagements sit above applications in the layer order."""
    try:
        return int(offer.engagement.pk)  # type: ignore[attr-defined]
    except ObjectDoesNotExist:
        return None


# --- Interviews -------------------------------------------------------------------------


def candidate_time_zone(user: User) -> str:
    tz = CandidateProfile.objects.filter(user=user).values_list("time_zone", flat=True).first()
    return tz or "UTC"


def access_interview(
    *, actor: User, interview_id: int, for_update: bool = False, side: str | None = None
) -> tuple[Interview, str]:
    """The interview and the actor's side; outsiders get NotFound, the wrong side Forbidden."""
    qs = Interview.objects.select_related(
        "application",
        "application__candidate",
        "application__opportunity",
        "application__opportunity__employer",
        "organizer",
    )
    if for_update:
        qs = qs.select_for_update(of=("self",))
    interview = qs.filter(pk=interview_id).first()
    if interview is None or not actor.is_authenticated:
        raise NotFound("No such interview.")
    mine = side_of(actor, interview.application)
    if mine is None:
        raise NotFound("No such interview.")
    if side is not None and mine != side:
        raise Forbidden(
            "Only the employer's team can do this."
            if side == rules.EMPLOYER
            else "Only the candidate can do this."
        )
    return interview, mine


@dataclass
class SlotView:
    id: int
    starts_at: datetime
    ends_at: datetime
    candidate_local: str
    employer_local: str


@dataclass
class InterviewView:
    interview: Interview
    side: str
    candidate_time_zone: str
    employer_time_zone: str
    slots: list[SlotView]
    can_pick: bool
    notes: list[InterviewNote] = field(default_factory=list)  # employer side only

    @property
    def when_candidate(self) -> str:
        i = self.interview
        return rules.in_zone(i.starts_at, self.candidate_time_zone) if i.starts_at else ""

    @property
    def when_employer(self) -> str:
        i = self.interview
        return rules.in_zone(i.starts_at, self.employer_time_zone) if i.starts_at else ""


def open_slots(interview: Interview) -> list[Any]:
    """The slots of the current round that are still in the future."""
    now = timezone.now()
    return [s for s in interview.slots.all() if s.round == interview.sequence and s.starts_at > now]


def interview_view(interview: Interview, side: str) -> InterviewView:
    cand_tz = candidate_time_zone(interview.application.candidate)
    slots = (
        [
            SlotView(
                s.pk,
                s.starts_at,
                s.ends_at,
                rules.in_zone(s.starts_at, cand_tz),
                rules.in_zone(s.starts_at, interview.employer_time_zone),
            )
            for s in open_slots(interview)
        ]
        if interview.status == InterviewStatus.PROPOSED
        else []
    )
    return InterviewView(
        interview=interview,
        side=side,
        candidate_time_zone=cand_tz,
        employer_time_zone=interview.employer_time_zone,
        slots=slots,
        can_pick=interview.status == InterviewStatus.PROPOSED
        and side != interview.proposed_by_side,
        notes=list(interview.notes.select_related("author")) if side == rules.EMPLOYER else [],
    )


def interviews_for(user: User) -> QuerySet[Interview]:
    """Interviews the user takes part in: as candidate, or as a member of the employer."""
    orgs = Membership.objects.filter(user=user).values_list("organisation_id", flat=True)
    return (
        Interview.objects.filter(
            Q(application__candidate=user) | Q(application__opportunity__employer_id__in=orgs)
        )
        .select_related("application__opportunity__employer", "application__candidate")
        .order_by("-updated_at")
    )


def pending_picks(user: User) -> list[Interview]:
    """Proposed interviews waiting for this candidate to pick a time."""
    return list(
        Interview.objects.filter(
            application__candidate=user,
            status=InterviewStatus.PROPOSED,
            proposed_by_side=rules.EMPLOYER,
        ).select_related("application__opportunity")
    )


def calendar_event(interview: Interview) -> rules.CalendarEvent:
    """The interview as a calendar event (scheduled, or cancelled after being scheduled)."""
    application = interview.application
    candidate = application.candidate
    organizer: User | None = interview.organizer
    employer = application.opportunity.employer
    org_person = rules.Person(
        name=f"{organizer.display_name} ({employer.name})" if organizer else employer.name,
        email=organizer.email if organizer else settings.DEFAULT_FROM_EMAIL,
    )
    attendees = (rules.Person(candidate.display_name, candidate.email),)
    site = settings.SITE_URL.rstrip("/")
    description = f"Interview for {application.opportunity.title} with {employer.name}. "
    description += f"Details: {site}{reverse('growth_interview', args=[interview.pk])}"
    if interview.status == InterviewStatus.CANCELLED and interview.last_change_reason:
        description += f"\nCancelled: {interview.last_change_reason}"
    assert interview.starts_at is not None and interview.ends_at is not None
    return rules.CalendarEvent(
        uid=f"{interview.uid}@stint",
        sequence=interview.sequence,
        starts_at=interview.starts_at,
        ends_at=interview.ends_at,
        summary=interview.title,
        description=description,
        organizer=org_person,
        attendees=attendees,
        stamp=interview.updated_at or timezone.now(),
        location=interview.location,
        url=interview.meeting_url,
        cancelled=interview.status == InterviewStatus.CANCELLED,
    )


def interview_ics(interview: Interview) -> str | None:
    if interview.starts_at is None or interview.ends_at is None:
        return None
    return rules.ics(calendar_event(interview))
