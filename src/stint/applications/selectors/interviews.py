"""Interviews: who may open one, its offered times in each side's time zone, the lists of
interviews and picks waiting, and the calendar invitation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from stint.accounts.models import User
from stint.applications import rules
from stint.applications.models import Interview, InterviewNote, InterviewStatus
from stint.applications.selectors.access import side_of
from stint.core.errors import Forbidden, NotFound
from stint.orgs.models import Membership
from stint.profiles.models import CandidateProfile


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
