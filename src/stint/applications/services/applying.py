"""Applying: a candidate applies (or withdraws), and an employer invites a candidate to apply."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from stint.accounts.models import User
from stint.applications import rules
from stint.applications.models import OPEN_STATUSES, Answer, Application, ApplyInvite, OfferStatus
from stint.applications.selectors import (
    access_application,
    access_opportunity_as_employer,
    is_member,
    opportunity_for_applying,
)
from stint.applications.services.common import _move, _notify_employer
from stint.core import ratelimit
from stint.core.errors import ConflictError, DomainError, Forbidden
from stint.events import services as events
from stint.matching.engine import fit_for
from stint.notifications.services import notify
from stint.opportunities.models import OpportunityStatus


@transaction.atomic
def application_submit(
    *,
    actor: User,
    opportunity_id: int,
    note: str = "",
    answers: dict[int, str] | None = None,
) -> Application:
    """Apply to a published opportunity. Free; one per candidate per opportunity;
    at most STINT_OPEN_APPLICATION_CAP open at once. Answers are keyed by
    question id; a missing required answer names the field `answers.<question id>`."""
    if not actor.is_authenticated or not actor.is_candidate:
        raise Forbidden("Only candidates can apply. Turn on the candidate role in your settings.")
    ratelimit.hit("application_submit", actor)
    opportunity = opportunity_for_applying(actor=actor, opportunity_id=opportunity_id)
    if is_member(actor, opportunity.employer_id):
        raise DomainError("own_opportunity", "You cannot apply to your own organisation's work.")
    refusal = rules.apply_window_refusal(
        status=opportunity.status, apply_by=opportunity.apply_by, today=timezone.localdate()
    )
    if refusal:
        raise ConflictError("not_open", refusal)
    note = note.strip()
    if len(note) > 5000:
        raise DomainError("note_too_long", "Keep your note under 5000 characters.", "note")
    answers = {int(k): (v or "").strip() for k, v in (answers or {}).items()}
    questions = list(opportunity.questions.all())
    known = {q.pk for q in questions}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise DomainError(
            "unknown_question", f"Question {unknown[0]} is not asked here.", f"answers.{unknown[0]}"
        )
    for q in questions:
        if len(answers.get(q.pk, "")) > 3000:
            raise DomainError(
                "answer_too_long", "Keep each answer under 3000 characters.", f"answers.{q.pk}"
            )
    missing = rules.missing_required([(q.pk, q.required) for q in questions], answers)
    if missing:
        question = next(q for q in questions if q.pk == missing[0])
        raise DomainError(
            "answer_required", f"Please answer: “{question.text}”", f"answers.{question.pk}"
        )
    # Serialise one candidate's applications so two tabs cannot both pass the cap.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    if Application.objects.filter(opportunity=opportunity, candidate=actor).exists():
        raise ConflictError("already_applied", "You already applied to this opportunity.")
    open_count = Application.objects.filter(candidate=actor, status__in=OPEN_STATUSES).count()
    refusal = rules.open_cap_refusal(open_count, settings.STINT_OPEN_APPLICATION_CAP)
    if refusal:
        raise ConflictError("too_many_open", refusal)
    fit = fit_for(actor, opportunity)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                opportunity=opportunity,
                candidate=actor,
                note=note,
                fit_score=fit.score,
                fit_explanation=fit.explanation,
                engine_version=fit.engine_version,
            )
    except IntegrityError as exc:
        raise ConflictError("already_applied", "You already applied to this opportunity.") from exc
    Answer.objects.bulk_create(
        Answer(application=application, question_id=qid, text=text)
        for qid, text in answers.items()
        if text
    )
    _notify_employer(
        application,
        kind="application.received",
        title=f"{actor.display_name} applied to {opportunity.title}",
        # The employer reads about the applicant ("Ada has …"), not "You have …".
        body=next(iter(fit.read_by("employer", actor.display_name).explanation), ""),
    )
    events.record(
        "application.received",
        organisation=opportunity.employer_id,
        users=[actor],
        resource=application,
        data={"application_id": application.pk, "opportunity_id": opportunity.pk},
    )
    return application


@transaction.atomic
def application_withdraw(*, actor: User, application_id: int) -> Application:
    application = access_application(
        actor=actor, application_id=application_id, for_update=True, side="candidate"
    )
    _move(application, rules.WITHDRAWN, rules.CANDIDATE)
    application.save()
    application.offers.filter(status=OfferStatus.PENDING).update(
        status=OfferStatus.WITHDRAWN, decided_at=timezone.now()
    )
    _notify_employer(
        application,
        kind="application.withdrawn",
        title=f"{actor.display_name} withdrew from {application.opportunity.title}",
    )
    return application


@transaction.atomic
def apply_invite_create(
    *, actor: User, opportunity_id: int, candidate_id: int, message: str = ""
) -> ApplyInvite:
    opportunity = access_opportunity_as_employer(actor=actor, opportunity_id=opportunity_id)
    if opportunity.status != OpportunityStatus.PUBLISHED:
        raise ConflictError("not_open", "Publish the opportunity before inviting candidates.")
    candidate = User.objects.filter(pk=candidate_id, is_candidate=True, is_active=True).first()
    if candidate is None:
        raise DomainError("no_candidate", "No such candidate.", "candidate_id")
    message = message.strip()
    if len(message) > 2000:
        raise DomainError("message_too_long", "Keep the message under 2000 characters.", "message")
    try:
        with transaction.atomic():
            invite = ApplyInvite.objects.create(
                opportunity=opportunity, candidate=candidate, invited_by=actor, message=message
            )
    except IntegrityError as exc:
        raise ConflictError(
            "already_invited", f"{candidate.display_name} is already invited.", "candidate_id"
        ) from exc
    notify(
        user=candidate,
        kind="invite.received",
        title=f"{opportunity.employer.name} invites you to apply to {opportunity.title}",
        body=message,
        url=reverse("application_apply", args=[opportunity.pk]),
    )
    return invite
