"""Writes for applications: apply, the employer's pipeline, offers, the
no-ghosting sweeps, apply invites and the thread of each application.

Row locks are always taken in one order: Opportunity → Application → Offer.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from stint.accounts.models import User
from stint.applications import rules
from stint.applications.models import (
    OPEN_STATUSES,
    Answer,
    Application,
    ApplicationStatus,
    ApplyInvite,
    Message,
    Offer,
    OfferStatus,
    ThreadRead,
)
from stint.applications.selectors import (
    Side,
    access_application,
    access_offer,
    access_opportunity_as_employer,
    is_member,
    opportunity_for_applying,
)
from stint.core import ratelimit
from stint.core.errors import ConflictError, DomainError, Forbidden, NotFound
from stint.core.money import Money, hourly_floor_minor
from stint.events import services as events
from stint.matching.engine import fit_for
from stint.notifications.services import notify
from stint.opportunities.models import Opportunity, OpportunityStatus
from stint.orgs.models import Membership

MAX_BULK = 200


def _url(application: Application) -> str:
    return reverse("application_detail", args=[application.pk])


def _employer_members(opportunity: Opportunity, *, exclude: User | None = None) -> list[User]:
    members = Membership.objects.filter(organisation_id=opportunity.employer_id).select_related(
        "user"
    )
    return [
        m.user for m in members if m.user.is_active and (exclude is None or m.user_id != exclude.pk)
    ]


def _notify_employer(
    application: Application, *, kind: str, title: str, body: str = "", exclude: User | None = None
) -> None:
    for user in _employer_members(application.opportunity, exclude=exclude):
        notify(user=user, kind=kind, title=title, body=body, url=_url(application))


def _move(application: Application, target: str, actor_side: str) -> None:
    """Change the status in memory after checking the transition table."""
    refusal = rules.transition_refusal(application.status, target, actor_side)
    if refusal is not None:
        raise ConflictError("bad_transition", refusal)
    now = timezone.now()
    application.status = target
    application.updated_at = now
    if actor_side == rules.EMPLOYER and application.first_response_at is None:
        application.first_response_at = now
    if target in rules.TERMINAL:
        application.closed_at = now
    else:  # a new offer reopens a declined or expired one
        application.closed_at = None


# --- Applying ------------------------------------------------------------------------


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


# --- The employer's pipeline -------------------------------------------------------------


def _shortlist(actor: User, application: Application) -> Application:
    if application.status == rules.OFFERED:  # that move is only withdrawing the offer
        raise ConflictError(
            "bad_transition",
            "This applicant has an offer: withdraw it to go back to the shortlist.",
        )
    _move(application, rules.SHORTLISTED, rules.EMPLOYER)
    application.save()
    o = application.opportunity
    notify(
        user=application.candidate,
        kind="application.shortlisted",
        title=f"{o.employer.name} shortlisted you for {o.title}",
        body="You are on the shortlist. The team may message you here before deciding.",
        url=_url(application),
    )
    return application


def _decline(actor: User, application: Application, reason: str) -> Application:
    reason = reason.strip()
    if len(reason) > 2000:
        raise DomainError("reason_too_long", "Keep the reason under 2000 characters.", "reason")
    _move(application, rules.DECLINED, rules.EMPLOYER)
    application.decline_reason = reason
    application.save()
    o = application.opportunity
    body = (
        f"{o.employer.name} decided not to go ahead with your application to '{o.title}'."
        + (f" Their note: {reason}" if reason else "")
        + " It no longer counts toward your open applications."
    )
    notify(
        user=application.candidate,
        kind="application.declined",
        title=f"An update on {o.title}",
        body=body,
        url=_url(application),
    )
    return application


@transaction.atomic
def application_shortlist(*, actor: User, application_id: int) -> Application:
    application = access_application(
        actor=actor, application_id=application_id, for_update=True, side="employer"
    )
    return _shortlist(actor, application)


@transaction.atomic
def application_decline(*, actor: User, application_id: int, reason: str = "") -> Application:
    application = access_application(
        actor=actor, application_id=application_id, for_update=True, side="employer"
    )
    return _decline(actor, application, reason)


BULK_ACTIONS = ("shortlist", "decline")


@transaction.atomic
def applications_bulk(
    *,
    actor: User,
    opportunity_id: int,
    application_ids: Iterable[int],
    action: str,
    reason: str = "",
) -> list[Application]:
    """Shortlist or decline many applicants of one opportunity: all or nothing."""
    opportunity = access_opportunity_as_employer(actor=actor, opportunity_id=opportunity_id)
    if action not in BULK_ACTIONS:
        raise DomainError("bad_action", "Choose shortlist or decline.", "action")
    ids = sorted(set(application_ids))
    if not ids:
        raise DomainError("nothing_chosen", "Choose at least one applicant.", "ids")
    if len(ids) > MAX_BULK:
        raise DomainError("too_many", f"Choose at most {MAX_BULK} applicants at once.", "ids")
    applications = list(
        Application.objects.select_for_update(of=("self",))
        .select_related("opportunity", "opportunity__employer", "candidate")
        .filter(opportunity=opportunity, pk__in=ids)
        .order_by("pk")
    )
    if len(applications) != len(ids):
        raise NotFound("Some of the chosen applications are not this opportunity's.")
    done = []
    for application in applications:
        try:
            if action == "shortlist":
                done.append(_shortlist(actor, application))
            else:
                done.append(_decline(actor, application, reason))
        except ConflictError as exc:
            raise ConflictError(
                exc.code,
                f"{application.candidate.display_name}: {exc.message} Nothing was changed.",
                "ids",
            ) from exc
    return done


# --- Offers --------------------------------------------------------------------------


@transaction.atomic
def offer_make(
    *,
    actor: User,
    application_id: int,
    fee_minor: int | None = None,
    start_date: date | None = None,
    due_date: date | None = None,
    scope: str | None = None,
) -> Offer:
    """Offer the work to a shortlisted applicant, or again after a declined or
    expired offer. Fee, dates and scope default to the opportunity's; the fee
    obeys the posting's pay floor (the same rule as postings)."""
    application = access_application(
        actor=actor, application_id=application_id, for_update=True, side="employer"
    )
    opportunity = application.opportunity
    if opportunity.status != OpportunityStatus.PUBLISHED or opportunity.openings_left <= 0:
        raise ConflictError("not_open", "This opportunity has no openings left to offer.")
    fee = opportunity.fee_minor if fee_minor is None else fee_minor
    start, due, scope_text = _offer_terms(
        opportunity, fee=fee, start_date=start_date, due_date=due_date, scope=scope
    )
    _move(application, rules.OFFERED, rules.EMPLOYER)
    try:
        with transaction.atomic():
            offer = Offer.objects.create(
                application=application,
                fee_minor=fee,
                currency=opportunity.currency,
                scope=scope_text,
                start_date=start,
                due_date=due,
                expires_at=timezone.now() + timedelta(days=settings.STINT_OFFER_EXPIRY_DAYS),
                created_by=actor,
            )
    except IntegrityError as exc:
        raise ConflictError("offer_exists", "This applicant already has a live offer.") from exc
    application.save()
    notify(
        user=application.candidate,
        kind="offer.made",
        title=f"{opportunity.employer.name} offered you {opportunity.title}",
        body=(
            f"Fee: {Money(fee, opportunity.currency)}. "
            f"Please accept or decline by {offer.expires_at:%d %B %Y %H:%M} UTC."
        ),
        url=_url(application),
    )
    return offer


def _offer_terms(
    opportunity: Opportunity,
    *,
    fee: int,
    start_date: date | None,
    due_date: date | None,
    scope: str | None,
) -> tuple[date | None, date | None, str]:
    """Check an offer's terms (pay floor, dates, scope); the defaults come from the posting."""
    refusal = rules.offer_fee_refusal(
        fee,
        opportunity.currency,
        opportunity.estimated_hours,
        hourly_floor_minor(opportunity.currency),
    )
    if refusal is not None:
        raise DomainError("fee_too_low", refusal, "fee_minor")
    start = start_date or opportunity.start_date
    due = due_date or opportunity.due_date
    if start and due and due < start:
        raise DomainError("due_before_start", "The due date must be after the start.", "due_date")
    text = (scope or "").strip() or rules.offer_scope(opportunity.summary, opportunity.deliverables)
    if len(text) > 12000:
        raise DomainError("scope_too_long", "Keep the scope under 12000 characters.", "scope")
    return start, due, text


def _locked_pending_offer(*, actor: User, offer_id: int, side: Side) -> tuple[Offer, Application]:
    """Lock the application then the offer (the fixed order); the offer must be pending."""
    offer = access_offer(actor=actor, offer_id=offer_id, side=side)
    application = access_application(
        actor=actor, application_id=offer.application_id, for_update=True, side=side
    )
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.status != OfferStatus.PENDING:
        raise ConflictError(
            "offer_not_pending", f"This offer is {offer.get_status_display().lower()}."
        )
    return offer, application


@transaction.atomic
def offer_withdraw(*, actor: User, offer_id: int) -> Offer:
    """The employer takes back an unanswered offer; the applicant returns to the shortlist."""
    offer, application = _locked_pending_offer(actor=actor, offer_id=offer_id, side="employer")
    _move(application, rules.SHORTLISTED, rules.EMPLOYER)
    application.save()
    offer.status = OfferStatus.WITHDRAWN
    offer.decided_at = timezone.now()
    offer.save(update_fields=["status", "decided_at"])
    o = application.opportunity
    notify(
        user=application.candidate,
        kind="offer.withdrawn",
        title=f"{o.employer.name} withdrew its offer for {o.title}",
        body="You are still on the shortlist; the employer may make a new offer.",
        url=_url(application),
    )
    return offer


@transaction.atomic
def offer_revise(
    *,
    actor: User,
    offer_id: int,
    fee_minor: int,
    start_date: date | None = None,
    due_date: date | None = None,
    scope: str | None = None,
) -> Offer:
    """Change an unanswered offer's terms (same checks as a new offer); the
    candidate gets a fresh deadline and any counter-proposal is settled."""
    offer, application = _locked_pending_offer(actor=actor, offer_id=offer_id, side="employer")
    o = application.opportunity
    start, due, text = _offer_terms(
        o, fee=fee_minor, start_date=start_date, due_date=due_date, scope=scope
    )
    now = timezone.now()
    offer.fee_minor = fee_minor
    offer.start_date, offer.due_date, offer.scope = start, due, text
    offer.expires_at = now + timedelta(days=settings.STINT_OFFER_EXPIRY_DAYS)
    offer.revised_at = now
    offer.counter_fee_minor, offer.counter_message, offer.countered_at = None, "", None
    offer.save()
    notify(
        user=application.candidate,
        kind="offer.withdrawn",
        title=f"{o.employer.name} revised its offer for {o.title}",
        body=(
            f"New fee: {Money(fee_minor, o.currency)}. "
            f"Please accept or decline by {offer.expires_at:%d %B %Y %H:%M} UTC."
        ),
        url=_url(application),
    )
    return offer


@transaction.atomic
def offer_counter(*, actor: User, offer_id: int, fee_minor: int, message: str = "") -> Offer:
    """The candidate proposes another fee with a message; the offer stays open
    (they may still accept it as it is) and the employer decides whether to revise."""
    offer, application = _locked_pending_offer(actor=actor, offer_id=offer_id, side="candidate")
    if fee_minor <= 0:
        raise DomainError("fee_required", "Propose a fee above zero.", "fee_minor")
    if fee_minor == offer.fee_minor:
        raise DomainError(
            "same_fee", "That is the fee already offered: accept the offer instead.", "fee_minor"
        )
    message = message.strip()
    if len(message) > 2000:
        raise DomainError("message_too_long", "Keep the message under 2000 characters.", "message")
    offer.counter_fee_minor = fee_minor
    offer.counter_message = message
    offer.countered_at = timezone.now()
    offer.save(update_fields=["counter_fee_minor", "counter_message", "countered_at"])
    _notify_employer(
        application,
        kind="offer.countered",
        title=f"{actor.display_name} proposed {Money(fee_minor, offer.currency)} for "
        f"{application.opportunity.title}",
        body=message,
    )
    return offer


def _fill_and_close_others(opportunity: Opportunity, keep: Application) -> list[Application]:
    """The opportunity is full: every other open application is closed kindly."""
    others = list(
        Application.objects.select_for_update(of=("self",))
        .select_related("candidate")
        .filter(opportunity=opportunity, status__in=OPEN_STATUSES)
        .exclude(pk=keep.pk)
        .order_by("pk")
    )
    for application in others:
        application.opportunity = opportunity
        _auto_decline(application, reason="filled")
    return others


def _auto_decline(application: Application, *, reason: str, days: int = 0) -> None:
    o = application.opportunity
    _move(application, rules.AUTO_DECLINED, rules.SYSTEM)
    title, body = rules.auto_decline_message(
        reason=reason,
        employer=o.employer.name,
        title=o.title,
        fit_explanation=list(application.fit_explanation or []),
        days=days,
    )
    application.decline_reason = body
    application.save()
    application.offers.filter(status=OfferStatus.PENDING).update(
        status=OfferStatus.WITHDRAWN, decided_at=timezone.now()
    )
    notify(
        user=application.candidate,
        kind="application.declined",
        title=title,
        body=body,
        url=_url(application),
    )


@transaction.atomic
def offer_accept(*, actor: User, offer_id: int) -> Offer:
    """Accept an offer: take one opening under a row lock on the opportunity.
    The last opening filled makes the opportunity `filled` and closes every
    other open application. The database check (filled ≤ openings) is the last guard."""
    offer = access_offer(actor=actor, offer_id=offer_id, side="candidate")
    # Locks in the fixed order: opportunity, application, offer.
    opportunity = (
        Opportunity.objects.select_for_update(of=("self",))
        .select_related("employer")
        .get(pk=offer.application.opportunity_id)
    )
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("candidate")
        .get(pk=offer.application_id)
    )
    application.opportunity = opportunity
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.status != OfferStatus.PENDING:
        raise ConflictError(
            "offer_not_pending", f"This offer is {offer.get_status_display().lower()}."
        )
    if rules.offer_is_expired(offer.expires_at, timezone.now()):
        raise ConflictError("offer_expired", "This offer has expired.")
    if opportunity.status != OpportunityStatus.PUBLISHED or opportunity.openings_left <= 0:
        raise ConflictError("no_openings", "Sorry: every opening of this opportunity is taken.")
    _move(application, rules.ACCEPTED, rules.CANDIDATE)
    now = timezone.now()
    try:
        with transaction.atomic():
            Opportunity.objects.filter(pk=opportunity.pk).update(
                filled_count=F("filled_count") + 1, updated_at=now
            )
    except IntegrityError as exc:  # the check constraint: never overfilled
        raise ConflictError("no_openings", "Sorry: every opening is taken.") from exc
    opportunity.refresh_from_db(fields=["filled_count", "openings"])
    offer.status = OfferStatus.ACCEPTED
    offer.decided_at = now
    offer.save(update_fields=["status", "decided_at"])
    application.save()
    if opportunity.filled_count >= opportunity.openings:
        opportunity.status = OpportunityStatus.FILLED
        opportunity.closed_at = now
        opportunity.save(update_fields=["status", "closed_at"])
        _fill_and_close_others(opportunity, keep=application)
    offer.application = application
    on_offer_accepted(offer)
    events.record(
        "offer.accepted",
        organisation=opportunity.employer_id,
        users=[application.candidate_id],
        resource=offer,
        data={
            "offer_id": offer.pk,
            "application_id": application.pk,
            "opportunity_id": opportunity.pk,
        },
    )
    return offer


def on_offer_accepted(offer: Offer) -> None:
    """The hook where an engagement begins once an offer is accepted: tell the
    employer's team, and announce the acceptance after commit so the engagements
    app (which sits above this one) opens the engagement and funds escrow
    (docs/decisions/0004)."""
    from stint.applications.signals import offer_accepted

    application = offer.application
    _notify_employer(
        application,
        kind="offer.accepted",
        title=f"{application.candidate.display_name} accepted your offer for "
        f"{application.opportunity.title}",
        body="Say hello in the thread and agree how you will start.",
    )
    offer_id = offer.pk
    transaction.on_commit(lambda: offer_accepted.send(sender=Offer, offer_id=offer_id), robust=True)


@transaction.atomic
def offer_decline(*, actor: User, offer_id: int) -> Offer:
    offer = access_offer(actor=actor, offer_id=offer_id, side="candidate")
    application = access_application(
        actor=actor, application_id=offer.application_id, for_update=True, side="candidate"
    )
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.status != OfferStatus.PENDING:
        raise ConflictError(
            "offer_not_pending", f"This offer is {offer.get_status_display().lower()}."
        )
    _move(application, rules.OFFER_DECLINED, rules.CANDIDATE)
    application.save()
    offer.status = OfferStatus.DECLINED
    offer.decided_at = timezone.now()
    offer.save(update_fields=["status", "decided_at"])
    _notify_employer(
        application,
        kind="offer.declined",
        title=f"{actor.display_name} declined your offer for {application.opportunity.title}",
        body="The opening is still yours to offer to someone else on the shortlist.",
    )
    events.record(
        "offer.declined",
        organisation=application.opportunity.employer_id,
        users=[application.candidate_id],
        resource=offer,
        data={
            "offer_id": offer.pk,
            "application_id": application.pk,
            "opportunity_id": application.opportunity_id,
        },
    )
    return offer


@transaction.atomic
def offer_expire(*, offer_id: int) -> bool:
    """Expire one offer past its deadline (idempotent). True when it changed."""
    offer = Offer.objects.filter(pk=offer_id).first()
    if offer is None:
        return False
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("opportunity", "opportunity__employer", "candidate")
        .get(pk=offer.application_id)
    )
    offer = Offer.objects.select_for_update().get(pk=offer_id)
    if offer.status != OfferStatus.PENDING or not rules.offer_is_expired(
        offer.expires_at, timezone.now()
    ):
        return False
    offer.status = OfferStatus.EXPIRED
    offer.decided_at = timezone.now()
    offer.save(update_fields=["status", "decided_at"])
    if application.status == ApplicationStatus.OFFERED:
        _move(application, rules.OFFER_EXPIRED, rules.SYSTEM)
        application.save()
    o = application.opportunity
    notify(
        user=application.candidate,
        kind="offer.expired",
        title=f"Your offer for {o.title} expired",
        body=f"The offer from {o.employer.name} passed its deadline without an answer.",
        url=_url(application),
    )
    _notify_employer(
        application,
        kind="offer.expired",
        title=f"Your offer to {application.candidate.display_name} for {o.title} expired",
        body="You can offer the opening to someone else on the shortlist.",
    )
    return True


def offers_expire_due() -> int:
    """Expire every pending offer past its deadline; each in its own transaction."""
    ids = Offer.objects.filter(
        status=OfferStatus.PENDING, expires_at__lte=timezone.now()
    ).values_list("pk", flat=True)
    return sum(offer_expire(offer_id=pk) for pk in list(ids))


# --- No ghosting ------------------------------------------------------------------------


@transaction.atomic
def application_auto_decline_if_stale(*, application_id: int) -> bool:
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("opportunity", "opportunity__employer", "candidate")
        .filter(pk=application_id)
        .first()
    )
    days = settings.STINT_AUTO_DECLINE_DAYS
    if application is None or not rules.is_stale(
        status=application.status,
        last_employer_move=application.updated_at,
        now=timezone.now(),
        days=days,
    ):
        return False
    _auto_decline(application, reason="stale", days=days)
    return True


def applications_auto_decline_stale() -> int:
    """Decline applications the employer left unanswered (submitted, or shortlisted
    without an offer) for STINT_AUTO_DECLINE_DAYS, and every open application of
    opportunities that are no longer published. Returns how many were closed."""
    cutoff = timezone.now() - timedelta(days=settings.STINT_AUTO_DECLINE_DAYS)
    stale = Application.objects.filter(
        status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.SHORTLISTED],
        updated_at__lte=cutoff,
        opportunity__status=OpportunityStatus.PUBLISHED,
    ).values_list("pk", flat=True)
    count = sum(application_auto_decline_if_stale(application_id=pk) for pk in list(stale))
    ended = (
        Application.objects.filter(status__in=OPEN_STATUSES)
        .exclude(opportunity__status=OpportunityStatus.PUBLISHED)
        .values_list("opportunity_id", flat=True)
        .distinct()
    )
    for opportunity_id in list(ended):
        count += applications_close_for_opportunity(opportunity_id=opportunity_id)
    return count


@transaction.atomic
def applications_close_for_opportunity(*, opportunity_id: int) -> int:
    """The opportunity was closed, filled or archived: close every open application
    with a kind, specific note. The opportunities app calls this (through the app
    registry or the `close_applications_for_opportunity` task) when it closes one."""
    opportunity = (
        Opportunity.objects.select_for_update(of=("self",))
        .select_related("employer")
        .filter(pk=opportunity_id)
        .first()
    )
    if opportunity is None or opportunity.status == OpportunityStatus.PUBLISHED:
        return 0
    reason = "filled" if opportunity.status == OpportunityStatus.FILLED else "closed"
    pending = list(
        Application.objects.select_for_update(of=("self",))
        .select_related("candidate")
        .filter(opportunity=opportunity, status__in=OPEN_STATUSES)
        .order_by("pk")
    )
    for application in pending:
        application.opportunity = opportunity
        _auto_decline(application, reason=reason)
    return len(pending)


# --- Invites ------------------------------------------------------------------------------


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


# --- The thread ---------------------------------------------------------------------------


@transaction.atomic
def message_send(
    *, actor: User, application_id: int, body: str, attachment: UploadedFile | None = None
) -> Message:
    ratelimit.hit("message_send", actor)  # each message emails the other side: cap floods
    application = access_application(actor=actor, application_id=application_id)
    side = "candidate" if application.candidate_id == actor.pk else "employer"
    if rules.thread_is_closed(
        status=application.status, closed_at=application.closed_at, now=timezone.now()
    ):
        raise ConflictError("thread_closed", "This conversation ended over 30 days ago.")
    body = body.strip()
    if not body and attachment is None:
        raise DomainError("body_required", "Write a message or attach a file.", "body")
    if len(body) > 5000:
        raise DomainError("body_too_long", "Keep messages under 5000 characters.", "body")
    message = Message(application=application, sender=actor, body=body)
    if attachment is not None:
        original = PurePath(attachment.name or "file").name[:200]
        refusal = rules.attachment_refusal(
            original, attachment.size or 0, settings.STINT_ATTACHMENT_MAX_BYTES
        )
        if refusal:
            raise DomainError("bad_attachment", refusal, "attachment")
        # Stored under an unguessable name; served only through an access-checked view.
        message.attachment.save(
            f"{uuid.uuid4().hex}{PurePath(original).suffix.lower()}", attachment, save=False
        )
        message.attachment_name = original
    message.save()
    _mark_read(application, actor, message.created_at)
    o = application.opportunity
    title = f"New message about {o.title}"
    preview = body[:200] or f"Attachment: {message.attachment_name}"
    if side == "candidate":
        _notify_employer(
            application,
            kind="message.received",
            title=f"{actor.display_name}: {title}",
            body=preview,
            exclude=actor,
        )
    else:
        notify(
            user=application.candidate,
            kind="message.received",
            title=f"{o.employer.name}: {title}",
            body=preview,
            url=_url(application),
        )
    return message


def _mark_read(application: Application, user: User, when: object) -> None:
    ThreadRead.objects.update_or_create(
        application=application, user=user, defaults={"last_read_at": when}
    )


@transaction.atomic
def thread_mark_read(*, actor: User, application_id: int) -> None:
    application = access_application(actor=actor, application_id=application_id)
    _mark_read(application, actor, timezone.now())
