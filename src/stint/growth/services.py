"""Writes for career growth: learning goals and mid-point feedback, reflections,
connections, and the candidate's growth consents. (Interviews: applications.interviews;
references: reviews.references; decision 0018.)"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError, NotFound
from stint.engagements.models import Engagement
from stint.growth import rules, selectors
from stint.growth.models import (
    Connection,
    ConnectionStatus,
    FeedbackRequest,
    GrowthSettings,
    LearningGoal,
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
