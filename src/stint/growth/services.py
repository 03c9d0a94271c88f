"""Writes for career growth: interviews (propose, pick, reschedule, cancel, private
notes), learning goals and mid-point feedback, reflections, references and their
share links, connections, and the candidate's growth consents."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from stint.accounts.models import User
from stint.applications.models import ApplicationStatus
from stint.applications.selectors import access_application
from stint.core.errors import ConflictError, DomainError, NotFound
from stint.core.tasks import enqueue_on_commit
from stint.engagements.models import Engagement
from stint.growth import rules, selectors
from stint.growth.models import (
    Connection,
    ConnectionStatus,
    FeedbackRequest,
    GrowthSettings,
    Interview,
    InterviewNote,
    InterviewSlot,
    InterviewStatus,
    LearningGoal,
    Reference,
    ReferenceShare,
    ReferenceStatus,
    ReferenceVisibility,
    Reflection,
)
from stint.matching.engine import skill_label
from stint.notifications.services import notify


def _members(organisation_id: int, *, exclude: User | None = None) -> list[User]:
    qs = User.objects.filter(memberships__organisation_id=organisation_id, is_active=True)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs.distinct())


def _clean(value: str, *, field: str, limit: int, label: str, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(f"{field}_required", f"{label} is required.", field)
    if len(value) > limit:
        raise DomainError(f"{field}_too_long", f"{label} is at most {limit} characters.", field)
    return value


# --- Interviews -----------------------------------------------------------------------------


def _interview_url(interview: Interview) -> str:
    return reverse("growth_interview", args=[interview.pk])


def _tell_other_side(interview: Interview, side: str, *, actor: User, title: str) -> None:
    url = _interview_url(interview)
    if side == rules.EMPLOYER:
        notify(user=interview.application.candidate, kind="growth.interview", title=title, url=url)
    else:
        for member in _members(interview.application.opportunity.employer_id, exclude=actor):
            notify(user=member, kind="growth.interview", title=title, url=url)


def _slots(
    interview: Interview, starts: list[datetime], *, duration_minutes: int, field: str = "slots"
) -> None:
    problem = rules.slots_refusal(starts, now=timezone.now(), duration_minutes=duration_minutes)
    if problem:
        raise DomainError(
            problem[0], problem[1], "duration_minutes" if problem[0] == "bad_duration" else field
        )
    for s in sorted(starts):
        InterviewSlot.objects.create(
            interview=interview,
            starts_at=s,
            ends_at=s + timedelta(minutes=duration_minutes),
            round=interview.sequence,
        )


@transaction.atomic
def interview_propose(
    *,
    actor: User,
    application_id: int,
    slots: list[datetime],
    time_zone: str,
    duration_minutes: int = 30,
    meeting_url: str = "",
    location: str = "",
    title: str = "",
) -> Interview:
    """An employer member offers times to a shortlisted applicant."""
    application = access_application(
        actor=actor, application_id=application_id, for_update=True, side="employer"
    )
    if application.status != ApplicationStatus.SHORTLISTED:
        raise DomainError(
            "not_shortlisted", "Interviews are for shortlisted applicants.", "application_id"
        )
    if rules.zone(time_zone) is None:
        raise DomainError("bad_time_zone", "Choose a time zone such as Europe/London.", "time_zone")
    meeting_url = _clean(meeting_url, field="meeting_url", limit=500, label="The meeting link")
    if meeting_url and not meeting_url.startswith(("https://", "http://")):
        raise DomainError(
            "bad_meeting_url", "The meeting link starts with https://.", "meeting_url"
        )
    location = _clean(location, field="location", limit=200, label="The location")
    if Interview.objects.filter(
        application=application, status__in=[InterviewStatus.PROPOSED, InterviewStatus.SCHEDULED]
    ).exists():
        raise ConflictError(
            "interview_open", "This applicant already has an interview under way.", "application_id"
        )
    interview = Interview.objects.create(
        application=application,
        title=_clean(title, field="title", limit=140, label="The title")
        or f"Interview: {application.opportunity.title}",
        meeting_url=meeting_url,
        location=location,
        duration_minutes=duration_minutes,
        organizer=actor,
        employer_time_zone=time_zone,
        proposed_by_side=rules.EMPLOYER,
    )
    _slots(interview, slots, duration_minutes=duration_minutes)
    _tell_other_side(
        interview,
        rules.EMPLOYER,
        actor=actor,
        title=f"{application.opportunity.employer.name} invites you to an interview: pick a time",
    )
    return interview


@transaction.atomic
def interview_pick(*, actor: User, interview_id: int, slot_id: int) -> Interview:
    """The side that did not propose the times picks one; both get an invitation."""
    interview, side = selectors.access_interview(
        actor=actor, interview_id=interview_id, for_update=True
    )
    if interview.status != InterviewStatus.PROPOSED:
        raise ConflictError("not_proposed", "There is no time to pick right now.", "slot_id")
    if side == interview.proposed_by_side:
        raise DomainError(
            "own_proposal", "The other side picks from the times you offered.", "slot_id"
        )
    slot = next((s for s in selectors.open_slots(interview) if s.pk == slot_id), None)
    if slot is None:
        raise DomainError("slot_not_offered", "Pick one of the times offered.", "slot_id")
    interview.status = InterviewStatus.SCHEDULED
    interview.starts_at, interview.ends_at = slot.starts_at, slot.ends_at
    interview.updated_at = timezone.now()
    interview.save(update_fields=["status", "starts_at", "ends_at", "updated_at"])
    _tell_other_side(
        interview,
        side,
        actor=actor,
        title=f"Interview booked: {rules.in_zone(slot.starts_at, 'UTC')}",
    )
    from stint.growth.tasks import send_interview_invitations

    enqueue_on_commit(send_interview_invitations, interview.pk)
    return interview


@transaction.atomic
def interview_reschedule(
    *,
    actor: User,
    interview_id: int,
    reason: str,
    slots: list[datetime],
    time_zone: str = "",
) -> Interview:
    """Either side offers new times with a reason; the other side picks. The
    calendar event keeps its UID and its SEQUENCE grows."""
    interview, side = selectors.access_interview(
        actor=actor, interview_id=interview_id, for_update=True
    )
    if interview.status == InterviewStatus.CANCELLED:
        raise ConflictError("cancelled", "This interview was cancelled.", "reason")
    reason = _clean(reason, field="reason", limit=1000, label="A reason", required=True)
    if side == rules.EMPLOYER and time_zone:
        if rules.zone(time_zone) is None:
            raise DomainError(
                "bad_time_zone", "Choose a time zone such as Europe/London.", "time_zone"
            )
        interview.employer_time_zone = time_zone
    problem = rules.slots_refusal(
        slots, now=timezone.now(), duration_minutes=interview.duration_minutes
    )
    if problem:
        raise DomainError(problem[0], problem[1], "slots")
    interview.sequence += 1
    interview.status = InterviewStatus.PROPOSED
    interview.proposed_by_side = side
    # starts_at/ends_at keep the last booked time: calendars hold it until the new
    # pick (same UID, higher SEQUENCE) replaces it, or a CANCEL removes it.
    interview.last_change_reason = reason
    interview.last_changed_by = actor
    interview.updated_at = timezone.now()
    interview.save()
    _slots(interview, slots, duration_minutes=interview.duration_minutes)
    _tell_other_side(
        interview,
        side,
        actor=actor,
        title=f"Interview to be rescheduled: pick a new time ({reason[:80]})",
    )
    return interview


@transaction.atomic
def interview_cancel(*, actor: User, interview_id: int, reason: str) -> Interview:
    interview, side = selectors.access_interview(
        actor=actor, interview_id=interview_id, for_update=True
    )
    if interview.status == InterviewStatus.CANCELLED:
        raise ConflictError("cancelled", "This interview is already cancelled.", "reason")
    reason = _clean(reason, field="reason", limit=1000, label="A reason", required=True)
    was_scheduled = interview.starts_at is not None
    interview.status = InterviewStatus.CANCELLED
    interview.sequence += 1
    interview.last_change_reason = reason
    interview.last_changed_by = actor
    interview.updated_at = timezone.now()
    interview.save()
    _tell_other_side(interview, side, actor=actor, title=f"Interview cancelled: {reason[:80]}")
    if was_scheduled:  # calendars hold the event: send METHOD:CANCEL
        from stint.growth.tasks import send_interview_invitations

        enqueue_on_commit(send_interview_invitations, interview.pk)
    return interview


@transaction.atomic
def interview_note_add(
    *, actor: User, interview_id: int, text: str = "", would_recommend: int | None = None
) -> InterviewNote:
    """A private note of the employer's team, with an optional 1-4 rating."""
    interview, _ = selectors.access_interview(
        actor=actor, interview_id=interview_id, side=rules.EMPLOYER
    )
    text = _clean(text, field="text", limit=5000, label="The note")
    if would_recommend is not None and not 1 <= would_recommend <= 4:
        raise DomainError(
            "bad_rating", "'Would recommend' is 1 (no) to 4 (strongly).", "would_recommend"
        )
    if not text and would_recommend is None:
        raise DomainError("empty_note", "Write a note or give a rating.", "text")
    return InterviewNote.objects.create(
        interview=interview, author=actor, text=text, would_recommend=would_recommend
    )


# --- Learning goals and feedback -------------------------------------------------------------


def _growth_url(engagement: Engagement) -> str:
    return reverse("growth_engagement", args=[engagement.pk])


@transaction.atomic
def learning_goals_set(
    *, actor: User, engagement_id: int, goals: list[dict[str, str]]
) -> list[LearningGoal]:
    """1-3 goals, each a taxonomy skill (`skill_id`) or free `text`; replaces the set."""
    engagement, _ = selectors.access_engagement(
        actor=actor, engagement_id=engagement_id, for_update=True, side=rules.CANDIDATE
    )
    if engagement.status not in rules.GOAL_STATUSES:
        raise DomainError(
            "goals_closed", "Learning goals are set at the start of an engagement.", "goals"
        )
    cleaned: list[tuple[str, str]] = []
    for g in goals:
        sid = (g.get("skill_id") or "").strip()
        text = (g.get("text") or "").strip()
        if sid:
            label = skill_label(sid)
            if label is None:
                raise DomainError("unknown_skill", "Choose a skill from the list.", "goals")
            text = text or label
        if not text:
            continue
        if len(text) > 200:
            raise DomainError("goal_too_long", "A goal is at most 200 characters.", "goals")
        cleaned.append((sid, text))
    if not 1 <= len(cleaned) <= rules.MAX_GOALS:
        raise DomainError(
            "goal_count", f"Set between 1 and {rules.MAX_GOALS} learning goals.", "goals"
        )
    engagement.learning_goals.all().delete()
    return [
        LearningGoal.objects.create(engagement=engagement, position=i, skill_id=sid, text=text)
        for i, (sid, text) in enumerate(cleaned, start=1)
    ]


@transaction.atomic
def feedback_request(*, actor: User, engagement_id: int, question: str = "") -> FeedbackRequest:
    engagement, _ = selectors.access_engagement(
        actor=actor, engagement_id=engagement_id, for_update=True, side=rules.CANDIDATE
    )
    question = _clean(question, field="question", limit=2000, label="The question")
    if not selectors.feedback_is_open(engagement):
        raise DomainError(
            "too_early",
            "Mid-point feedback opens half way to the due date or after a first submission.",
            "question",
        )
    if engagement.feedback_requests.filter(answered_at__isnull=True).exists():
        raise ConflictError("feedback_open", "Your last request is still waiting.", "question")
    fr = FeedbackRequest.objects.create(
        engagement=engagement, requested_by=actor, question=question
    )
    for member in _members(engagement.employer_id):
        notify(
            user=member,
            kind="growth.feedback",
            title=f"{actor.display_name} asks for mid-point feedback on {engagement.title}",
            body=question,
            url=_growth_url(engagement),
        )
    return fr


@transaction.atomic
def feedback_answer(*, actor: User, feedback_id: int, answer: str) -> FeedbackRequest:
    fr = selectors.access_feedback(
        actor=actor, feedback_id=feedback_id, for_update=True, side=rules.EMPLOYER
    )
    if fr.answered_at is not None:
        raise ConflictError("answered", "This request was already answered.", "answer")
    fr.answer = _clean(answer, field="answer", limit=5000, label="The answer", required=True)
    fr.answered_by = actor
    fr.answered_at = timezone.now()
    fr.save(update_fields=["answer", "answered_by", "answered_at"])
    engagement = fr.engagement
    notify(
        user=engagement.candidate,
        kind="growth.feedback",
        title=f"Mid-point feedback on {engagement.title}",
        body=fr.answer[:500],
        url=_growth_url(engagement),
    )
    return fr


# --- Reflection ------------------------------------------------------------------------------


@transaction.atomic
def reflection_save(
    *,
    actor: User,
    engagement_id: int,
    learned: str,
    differently: str = "",
    next_steps: str = "",
    on_portfolio: bool = False,
) -> Reflection:
    engagement, _ = selectors.access_engagement(
        actor=actor, engagement_id=engagement_id, for_update=True, side=rules.CANDIDATE
    )
    if engagement.status not in rules.COMPLETED:
        raise DomainError("not_completed", "Reflect once the work is approved.", "engagement_id")
    values: dict[str, Any] = {
        "learned": _clean(
            learned, field="learned", limit=3000, label="What you learned", required=True
        ),
        "differently": _clean(
            differently, field="differently", limit=3000, label="What you'd do differently"
        ),
        "next_steps": _clean(next_steps, field="next_steps", limit=3000, label="What next"),
        "on_portfolio": bool(on_portfolio),
        "updated_at": timezone.now(),
    }
    reflection, _ = Reflection.objects.update_or_create(
        engagement=engagement, defaults={"candidate": actor, **values}
    )
    return reflection


# --- References ------------------------------------------------------------------------------


@transaction.atomic
def reference_request(*, actor: User, engagement_id: int, message: str = "") -> Reference:
    engagement, _ = selectors.access_engagement(
        actor=actor, engagement_id=engagement_id, for_update=True, side=rules.CANDIDATE
    )
    if engagement.status not in rules.COMPLETED:
        raise DomainError(
            "not_completed", "Ask for a reference once the work is approved.", "engagement_id"
        )
    message = _clean(message, field="message", limit=2000, label="The message")
    try:
        with transaction.atomic():
            ref = Reference.objects.create(
                engagement=engagement,
                candidate=actor,
                employer_id=engagement.employer_id,
                message=message,
            )
    except IntegrityError as exc:
        raise ConflictError(
            "reference_exists", "You already have a reference for this engagement.", "engagement_id"
        ) from exc
    for member in _members(engagement.employer_id):
        notify(
            user=member,
            kind="growth.reference",
            title=f"{actor.display_name} asks for a reference for {engagement.title}",
            body=message,
            url=reverse("growth_reference", args=[ref.pk]),
        )
    return ref


@transaction.atomic
def reference_write(*, actor: User, reference_id: int, text: str) -> Reference:
    ref, _ = selectors.access_reference(
        actor=actor, reference_id=reference_id, for_update=True, side=rules.EMPLOYER
    )
    if ref.status != ReferenceStatus.REQUESTED:
        raise ConflictError("not_requested", f"This reference is already {ref.status}.", "text")
    ref.text = _clean(text, field="text", limit=5000, label="The reference", required=True)
    ref.status = ReferenceStatus.WRITTEN
    ref.author = actor
    ref.decided_at = timezone.now()
    ref.save(update_fields=["text", "status", "author", "decided_at"])
    notify(
        user=ref.candidate,
        kind="growth.reference",
        title=f"{ref.employer.name} wrote your reference",
        url=reverse("growth_reference", args=[ref.pk]),
    )
    return ref


@transaction.atomic
def reference_decline(*, actor: User, reference_id: int, reason: str = "") -> Reference:
    ref, _ = selectors.access_reference(
        actor=actor, reference_id=reference_id, for_update=True, side=rules.EMPLOYER
    )
    if ref.status != ReferenceStatus.REQUESTED:
        raise ConflictError("not_requested", f"This reference is already {ref.status}.", "reason")
    ref.decline_reason = _clean(reason, field="reason", limit=1000, label="The reason")
    ref.status = ReferenceStatus.DECLINED
    ref.author = actor
    ref.decided_at = timezone.now()
    ref.save(update_fields=["decline_reason", "status", "author", "decided_at"])
    notify(
        user=ref.candidate,
        kind="growth.reference",
        title=f"{ref.employer.name} declined to write a reference",
        body=ref.decline_reason,
        url=reverse("growth_reference", args=[ref.pk]),
    )
    return ref


@transaction.atomic
def reference_set_visibility(*, actor: User, reference_id: int, visibility: str) -> Reference:
    ref, _ = selectors.access_reference(
        actor=actor, reference_id=reference_id, for_update=True, side=rules.CANDIDATE
    )
    if visibility not in ReferenceVisibility.values:
        raise DomainError("bad_visibility", "Choose private or portfolio.", "visibility")
    if ref.status != ReferenceStatus.WRITTEN:
        raise DomainError("not_written", "Only a written reference can be shown.", "visibility")
    ref.visibility = visibility
    ref.save(update_fields=["visibility"])
    return ref


_SHARE_SALT = "stint.growth.reference-share"


def share_token(share: ReferenceShare) -> str:
    return signing.TimestampSigner(salt=_SHARE_SALT).sign_object([share.pk, share.nonce])


def share_url(share: ReferenceShare) -> str:
    return reverse("growth_reference_shared", args=[share_token(share)])


@dataclass(frozen=True)
class CreatedShare:
    share: ReferenceShare
    token: str
    url: str


@transaction.atomic
def reference_share_create(
    *, actor: User, reference_id: int, days: int = rules.SHARE_DAYS_DEFAULT, recipient: str = ""
) -> CreatedShare:
    ref, _ = selectors.access_reference(
        actor=actor, reference_id=reference_id, side=rules.CANDIDATE
    )
    if ref.status != ReferenceStatus.WRITTEN:
        raise DomainError("not_written", "Only a written reference can be shared.", "days")
    problem = rules.share_days_refusal(days)
    if problem:
        raise DomainError("bad_days", problem, "days")
    now = timezone.now()
    share = ReferenceShare.objects.create(
        reference=ref,
        nonce=secrets.token_hex(16),
        recipient=_clean(recipient, field="recipient", limit=200, label="The note"),
        expires_at=now + timedelta(days=days),
        created_at=now,
    )
    return CreatedShare(share=share, token=share_token(share), url=share_url(share))


@transaction.atomic
def reference_share_revoke(*, actor: User, share_id: int) -> ReferenceShare:
    share = ReferenceShare.objects.select_for_update().filter(pk=share_id).first()
    if share is None:
        raise NotFound("No such link.")
    selectors.access_reference(actor=actor, reference_id=share.reference_id, side=rules.CANDIDATE)
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])
    return share


def reference_by_token(token: str) -> Reference:
    """The reference a share link shows; NotFound when the signature is bad, the
    link expired (the signed timestamp and the row agree) or was revoked, or the
    reference is no longer a written one."""
    try:
        pk, nonce = signing.TimestampSigner(salt=_SHARE_SALT).unsign_object(
            token, max_age=timedelta(days=rules.SHARE_DAYS_MAX)
        )
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise NotFound("This link is not valid.") from exc
    share = (
        ReferenceShare.objects.select_related(
            "reference", "reference__employer", "reference__candidate"
        )
        .filter(pk=pk, nonce=nonce)
        .first()
    )
    now = timezone.now()
    if share is None or share.revoked_at is not None or share.expires_at <= now:
        raise NotFound("This link is not valid.")
    if share.reference.status != ReferenceStatus.WRITTEN:
        raise NotFound("This link is not valid.")
    return share.reference


# --- Network ---------------------------------------------------------------------------------


@transaction.atomic
def connection_request(*, actor: User, user_id: int) -> Connection:
    """Ask someone you worked with to connect; only people you worked with."""
    if not actor.is_authenticated:
        raise NotFound("No such person.")
    people = selectors.worked_with(actor)
    if user_id not in people:
        raise NotFound("No such person.")
    other = User.objects.get(pk=user_id)
    existing = Connection.objects.select_for_update().filter(
        requester_id__in=[actor.pk, user_id], recipient_id__in=[actor.pk, user_id]
    )
    for c in existing:
        if c.status == ConnectionStatus.ACCEPTED:
            raise ConflictError("connected", "You are already connected.", "user_id")
        if c.status == ConnectionStatus.PENDING and c.requester_id == actor.pk:
            raise ConflictError("pending", "Your request is waiting for an answer.", "user_id")
        if c.status == ConnectionStatus.PENDING:  # they asked first: accepting is the answer
            return connection_accept(actor=actor, connection_id=c.pk)
    row, _ = Connection.objects.update_or_create(
        requester=actor,
        recipient=other,
        defaults={
            "status": ConnectionStatus.PENDING,
            "context": people[user_id][:200],
            "created_at": timezone.now(),
            "decided_at": None,
        },
    )
    notify(
        user=other,
        kind="growth.connection",
        title=f"{actor.display_name} would like to connect",
        body=row.context,
        url=reverse("growth_network"),
    )
    return row


def _decide(*, actor: User, connection_id: int, status: str) -> Connection:
    c = selectors.access_connection(actor=actor, connection_id=connection_id, for_update=True)
    if c.recipient_id != actor.pk:
        raise DomainError("not_yours", "Only the person asked can answer.", "connection_id")
    if c.status != ConnectionStatus.PENDING:
        raise ConflictError("decided", f"This request is already {c.status}.", "connection_id")
    c.status = status
    c.decided_at = timezone.now()
    c.save(update_fields=["status", "decided_at"])
    return c


@transaction.atomic
def connection_accept(*, actor: User, connection_id: int) -> Connection:
    c = _decide(actor=actor, connection_id=connection_id, status=ConnectionStatus.ACCEPTED)
    notify(
        user=c.requester,
        kind="growth.connection",
        title=f"{actor.display_name} accepted your connection",
        url=reverse("growth_network"),
    )
    return c


@transaction.atomic
def connection_decline(*, actor: User, connection_id: int) -> Connection:
    return _decide(actor=actor, connection_id=connection_id, status=ConnectionStatus.DECLINED)


@transaction.atomic
def connection_remove(*, actor: User, connection_id: int) -> None:
    c = selectors.access_connection(actor=actor, connection_id=connection_id, for_update=True)
    c.delete()


# --- Settings --------------------------------------------------------------------------------


@transaction.atomic
def growth_settings_update(
    *,
    actor: User,
    show_connections: bool | None = None,
    share_skill_growth: bool | None = None,
) -> GrowthSettings:
    if not actor.is_authenticated:
        raise NotFound("No such person.")
    row, _ = GrowthSettings.objects.select_for_update().get_or_create(user=actor)
    if show_connections is not None:
        row.show_connections = bool(show_connections)
    if share_skill_growth is not None:
        row.share_skill_growth = bool(share_skill_growth)
    row.updated_at = timezone.now()
    row.save()
    return row
