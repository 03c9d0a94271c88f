"""Opening: an accepted offer becomes an engagement, funded into escrow, with its milestones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from stint.accounts.models import User
from stint.applications.models import OfferStatus
from stint.core import jobs
from stint.core.errors import ConflictError, DomainError
from stint.engagements import rules
from stint.engagements.locks import (
    lock_engagement,
    lock_offer,
)
from stint.engagements.models import (
    Engagement,
    Milestone,
)
from stint.engagements.services.common import _fee, _locked, _notify_candidate, _notify_employer
from stint.events import services as events
from stint.payments import services as payments

# --- Opening: an accepted offer becomes a funded engagement ------------------------------------


def engagement_open_from_offer(*, offer_id: int) -> Engagement | None:
    """Open the engagement of an accepted offer (a snapshot of its terms) and fund
    escrow. Idempotent: the offer's OneToOne holds one engagement, and the funding
    key `fund:<engagement id>` charges once. None if the offer is not accepted.

    Two steps on purpose: the engagement row commits first, so the funding key is
    stable across retries even if the charge or what follows fails."""
    engagement = _engagement_create(offer_id=offer_id)
    if engagement is None:
        return None
    return engagement_fund(engagement_id=engagement.pk)


@transaction.atomic
def _engagement_create(*, offer_id: int) -> Engagement | None:
    offer = lock_offer(offer_id)
    if offer is None or offer.status != OfferStatus.ACCEPTED:
        return None
    engagement = Engagement.objects.filter(offer=offer).first()
    if engagement is not None:
        return engagement
    application = offer.application
    opportunity = application.opportunity
    now = timezone.now()
    try:
        with transaction.atomic():
            return Engagement.objects.create(
                application=application,
                offer=offer,
                opportunity=opportunity,
                candidate=application.candidate,
                employer_id=opportunity.employer_id,
                status=rules.FUNDED,
                title=opportunity.title[:140],
                scope=offer.scope,
                deliverables=opportunity.deliverables,
                fee_minor=offer.fee_minor,
                currency=offer.currency,
                start_date=offer.start_date,
                due_date=offer.due_date,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:
        return Engagement.objects.filter(offer=offer).first()


def engagement_fund(*, engagement_id: int) -> Engagement:
    """Charge the employer into escrow (the payments service talks to the provider
    outside our transaction), then record it and tell both sides, once."""
    engagement = Engagement.objects.get(pk=engagement_id)
    if engagement.funded_at is not None or engagement.status != rules.FUNDED:
        return engagement
    payments.escrow_fund(
        ref=engagement.ledger_ref,
        employer_id=engagement.employer_id,
        fee=_fee(engagement),
        idempotency_key=f"fund:{engagement.pk}",
    )
    with transaction.atomic():
        engagement = lock_engagement(engagement_id)
        if engagement is None:  # read above: only a deletion since could get here
            raise Engagement.DoesNotExist(engagement_id)
        if engagement.funded_at is not None:
            return engagement
        engagement.funded_at = timezone.now()
        engagement.save(update_fields=["funded_at"])
        fee = _fee(engagement).format()
        _notify_candidate(
            engagement,
            kind="engagement.funded",
            title=f"{engagement.title}: {fee} is in escrow",
            body="The fee is held safely until the work is approved. Start when you are ready.",
        )
        _notify_employer(
            engagement,
            kind="engagement.funded",
            title=f"{engagement.title}: escrow funded with {fee}",
            body=f"{engagement.candidate.display_name} can start the work now.",
        )
        events.record(
            "engagement.funded",
            organisation=engagement.employer_id,
            users=[engagement.candidate_id],
            resource=engagement,
            data={"engagement_id": engagement.pk, "offer_id": engagement.offer_id},
        )
    return engagement


def engagements_fund_pending() -> int:
    """The safety net: fund engagements whose funding failed or was interrupted."""
    funded = 0
    for pk in Engagement.objects.filter(status=rules.FUNDED, funded_at__isnull=True).values_list(
        "pk", flat=True
    ):
        with jobs.each_row("engagements.fund_pending", pk):
            try:
                funded += engagement_fund(engagement_id=pk).funded_at is not None
            except DomainError:
                continue  # declined or provider down: the next sweep tries again
    return funded


def _require_funded(engagement: Engagement) -> None:
    if engagement.funded_at is None:
        raise ConflictError("not_funded", "Wait until the escrow is funded.")


@dataclass(frozen=True)
class MilestoneIn:
    title: str
    amount_minor: int
    due_date: date | None = None


@transaction.atomic
def milestones_set(
    *, actor: User, engagement_id: int, milestones: Sequence[MilestoneIn]
) -> list[Milestone]:
    """The employer splits the work into milestones (shares add up to the fee),
    before the work starts. An empty list removes them."""
    engagement, _ = _locked(actor, engagement_id, side=rules.EMPLOYER)
    if engagement.status != rules.FUNDED:
        raise ConflictError(
            "milestones_locked", "Milestones can only change before the work starts.", "milestones"
        )
    specs = [rules.MilestoneSpec(title=m.title, amount_minor=m.amount_minor) for m in milestones]
    problem = rules.milestones_refusal(specs, engagement.fee_minor)
    if problem is not None:
        raise DomainError("bad_milestones", problem[1], problem[0])
    for i, m in enumerate(milestones):
        if m.due_date and engagement.due_date and m.due_date > engagement.due_date:
            raise DomainError(
                "milestone_after_due",
                "A milestone cannot be due after the engagement.",
                f"milestones.{i}.due_date",
            )
    engagement.milestones.all().delete()
    return [
        Milestone.objects.create(
            engagement=engagement,
            position=i + 1,
            title=m.title.strip(),
            amount_minor=m.amount_minor,
            due_date=m.due_date,
        )
        for i, m in enumerate(milestones)
    ]
