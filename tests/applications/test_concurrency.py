"""Races on PostgreSQL with real threads: the last opening is never taken twice,
and offering twice at once never makes two live offers.

Run in CI's PostgreSQL pass:
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/stint_test pytest tests/applications`.
"""

from __future__ import annotations

import pytest

from stint.accounts.models import User
from stint.applications import services
from stint.applications.models import Application, Offer
from stint.core.errors import ConflictError
from stint.opportunities.models import Opportunity
from tests.applications.conftest import apply
from tests.concurrency import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("needs_postgres"),
]


def test_two_candidates_accepting_the_last_opening_never_overfill(
    alice: User, frank: User, bob: User, published_opportunity: Opportunity
) -> None:
    offers = []
    for candidate in (alice, frank):
        a = apply(candidate, published_opportunity)
        services.application_shortlist(actor=bob, application_id=a.pk)
        offers.append(services.offer_make(actor=bob, application_id=a.pk))
    results = race(
        lambda: services.offer_accept(actor=alice, offer_id=offers[0].pk),
        lambda: services.offer_accept(actor=frank, offer_id=offers[1].pk),
    )
    winners = [r for r in results if isinstance(r, Offer)]
    losers = [r for r in results if isinstance(r, ConflictError)]
    assert len(winners) == 1 and len(losers) == 1, results
    o = Opportunity.objects.get(pk=published_opportunity.pk)
    assert o.filled_count == 1 and o.status == "filled"
    statuses = sorted(Application.objects.values_list("status", flat=True))
    assert statuses == ["accepted", "auto_declined"]
    assert Offer.objects.filter(status="accepted").count() == 1


def test_offering_twice_at_once_makes_one_live_offer(
    alice: User, bob: User, acme_member: User, published_opportunity: Opportunity
) -> None:
    a = apply(alice, published_opportunity)
    services.application_shortlist(actor=bob, application_id=a.pk)
    results = race(
        lambda: services.offer_make(actor=bob, application_id=a.pk),
        lambda: services.offer_make(actor=acme_member, application_id=a.pk, fee_minor=70_000),
    )
    assert sum(isinstance(r, Offer) for r in results) == 1, results
    assert sum(isinstance(r, ConflictError) for r in results) == 1, results
    assert Offer.objects.filter(application=a, status__in=["pending", "accepted"]).count() == 1
    assert Application.objects.get(pk=a.pk).status == "offered"


def test_the_database_refuses_a_second_live_offer_even_without_the_lock(
    alice: User, bob: User, published_opportunity: Opportunity
) -> None:
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    a = apply(alice, published_opportunity)
    Offer.objects.create(
        application=a, fee_minor=1, currency="USD", scope="x", expires_at=timezone.now()
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.create(
            application=a, fee_minor=1, currency="USD", scope="x", expires_at=timezone.now()
        )
