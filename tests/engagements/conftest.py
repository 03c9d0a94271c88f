"""Fixtures for engagements: an accepted offer of Acme's opportunity to alice,
turned into a funded engagement through the real signal → task → service path
and the real payments ledger."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db.models import Sum

from stint.accounts.models import User
from stint.applications import services as application_services
from stint.applications.models import Offer
from stint.core.money import Money
from stint.engagements.models import Engagement
from stint.opportunities.models import Opportunity
from stint.orgs.models import Organisation
from stint.payments import services as payments
from stint.payments.models import Account, Entry, LedgerTransaction
from tests.applications.conftest import (  # noqa: F401  (fixtures reused)
    acme_member,
    apply,
    esco_skills,
    frank,
    make_opportunity,
)

FEE = 50_000


def accept_offer(candidate: User, employer_user: User, opportunity: Opportunity) -> Offer:
    a = apply(candidate, opportunity)
    application_services.application_shortlist(actor=employer_user, application_id=a.pk)
    offer = application_services.offer_make(actor=employer_user, application_id=a.pk)
    return application_services.offer_accept(actor=candidate, offer_id=offer.pk)


@pytest.fixture
def opportunity(acme: Organisation, bob: User, esco_skills: list[dict[str, str]]) -> Opportunity:  # noqa: F811
    return make_opportunity(acme, bob, esco_skills, fee_minor=FEE)


@pytest.fixture
def open_engagement(
    alice: User, bob: User, opportunity: Opportunity, django_capture_on_commit_callbacks: Any
) -> Callable[[], Engagement]:
    def make() -> Engagement:
        with django_capture_on_commit_callbacks(execute=True):
            offer = accept_offer(alice, bob, opportunity)
        return Engagement.objects.get(offer=offer)

    return make


@pytest.fixture
def engagement(open_engagement: Callable[[], Engagement]) -> Engagement:
    return open_engagement()


# --- Ledger helpers (the payments app's models, read-only) --------------------------------------


def escrow(e: Engagement) -> int:
    return payments.escrow_balance(e.ledger_ref, e.currency).amount


def funded_amount(fee: int = FEE, currency: str = "USD") -> int:
    """What funding puts in escrow: the fee, plus the platform fee if the employer pays it."""
    return payments.funding_amount_for(Money(fee, currency)).amount


def candidate_share(fee: int = FEE) -> int:
    """What the candidate nets from releasing `fee`: less the platform's cut only
    when the candidate is the one who pays it."""
    if settings.STINT_PLATFORM_FEE_PAYER == "candidate":
        return fee - fee * settings.STINT_PLATFORM_FEE_BPS // 10_000
    return fee


def candidate_balance(user: User, currency: str = "USD") -> int:
    return payments.candidate_balance(user.pk, currency).amount


def ledger_is_balanced() -> None:
    """Every transaction's entries sum to zero, and every account's cached balance
    is the sum of its entries."""

    for tx in LedgerTransaction.objects.all():
        assert sum(tx.entries.values_list("amount", flat=True)) == 0, tx
    for account in Account.objects.all():
        total = Entry.objects.filter(account=account).aggregate(s=Sum("amount"))["s"] or 0
        assert account.balance == total, account


# --- Milestone by milestone ------------------------------------------------------------------

SHARES = (20_000, 17_501, 12_499)  # odd shares, so the platform's cut rounds


@pytest.fixture
def milestoned(engagement: Engagement, alice: User, bob: User) -> Engagement:
    """The engagement split into three milestones (SHARES) and started: paid by milestone."""
    from stint.engagements import services

    services.milestones_set(
        actor=bob,
        engagement_id=engagement.pk,
        milestones=[services.MilestoneIn(f"Part {i + 1}", a) for i, a in enumerate(SHARES)],
    )
    services.engagement_start(actor=alice, engagement_id=engagement.pk)
    engagement.refresh_from_db()
    assert engagement.by_milestone
    return engagement


def platform_cut(released: int, fee: int = FEE) -> int:
    """The platform's cumulative cut once `released` of the fee left escrow in parts."""
    return released * (fee * settings.STINT_PLATFORM_FEE_BPS // 10_000) // fee


def out_of_escrow(released: int, fee: int = FEE) -> int:
    """What releasing `released` of the fee in parts took out of escrow."""
    if settings.STINT_PLATFORM_FEE_PAYER == "employer":
        return released + platform_cut(released, fee)
    return released


def candidate_share_of_parts(released: int, fee: int = FEE) -> int:
    """What the candidate nets once `released` of the fee was released in parts."""
    if settings.STINT_PLATFORM_FEE_PAYER == "employer":
        return released
    return released - platform_cut(released, fee)


def platform_revenue(currency: str = "USD") -> int:
    account = Account.objects.filter(kind="platform_revenue", currency=currency).first()
    return account.balance if account else 0


def employer_refunded(e: Engagement) -> int:
    """What went back from this engagement's escrow to the employer."""
    return (
        Entry.objects.filter(
            transaction__ref=e.ledger_ref, account__kind="employer", amount__gt=0
        ).aggregate(s=Sum("amount"))["s"]
        or 0
    )


@pytest.fixture
def another_engagement(
    acme: Organisation,
    alice: User,
    bob: User,
    esco_skills: list[dict[str, str]],  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> Callable[[], Engagement]:
    """More funded engagements of alice for acme, each from its own opportunity."""

    def make() -> Engagement:
        opportunity = make_opportunity(acme, bob, esco_skills, fee_minor=FEE, title="More work")
        with django_capture_on_commit_callbacks(execute=True):
            offer = accept_offer(alice, bob, opportunity)
        return Engagement.objects.get(offer=offer)

    return make
