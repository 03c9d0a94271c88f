"""Offers: the employer makes, revises or withdraws one; the candidate may counter with another fee."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from stint.accounts.models import User
from stint.applications import rules
from stint.applications.models import Application, Offer, OfferStatus
from stint.applications.selectors import Side, access_application, access_offer
from stint.applications.services.common import _move, _notify_employer, _url
from stint.core.errors import ConflictError, DomainError
from stint.core.money import Money, hourly_floor_minor
from stint.notifications.services import notify
from stint.opportunities.models import Opportunity, OpportunityStatus


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
