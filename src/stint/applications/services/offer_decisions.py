"""How an offer is decided: the candidate accepts (taking an opening) or declines it, or it
expires unanswered."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from stint.accounts.models import User
from stint.applications import rules
from stint.applications.models import (
    OPEN_STATUSES,
    Application,
    ApplicationStatus,
    Offer,
    OfferStatus,
)
from stint.applications.selectors import access_application, access_offer
from stint.applications.services.common import _auto_decline, _move, _notify_employer, _url
from stint.core.errors import ConflictError
from stint.events import services as events
from stint.notifications.services import notify
from stint.opportunities.models import Opportunity, OpportunityStatus


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
