"""Races on PostgreSQL: concurrent releases and payouts never double-pay and
never deadlock (accounts are locked in one order)."""

from __future__ import annotations

import pytest
from django.db import connection

from stint.accounts.models import User
from stint.core.errors import DomainError
from stint.core.money import Money
from stint.payments import services
from stint.payments.models import LedgerTransaction, Payout, SandboxRecord
from tests.concurrency import race
from tests.payments.helpers import assert_reconciles

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("needs_postgres"),
]


def _fund(ref: str, fee: int = 10_000) -> None:
    services.escrow_fund(ref=ref, employer_id=3, fee=Money(fee, "USD"), idempotency_key=f"f-{ref}")


def test_concurrent_releases_with_the_same_key_release_once(alice: User) -> None:
    _fund("engagement:1")
    results = race(
        *[
            lambda: services.escrow_release(
                ref="engagement:1", candidate_id=alice.pk, idempotency_key="same"
            )
            for _ in range(8)
        ]
    )
    assert all(isinstance(r, LedgerTransaction) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert services.candidate_balance(alice.pk, "USD") == Money(10_000, "USD")
    assert_reconciles()


def test_concurrent_releases_with_different_keys_release_once(alice: User) -> None:
    _fund("engagement:1")
    results = race(
        *[
            lambda i=i: services.escrow_release(
                ref="engagement:1", candidate_id=alice.pk, idempotency_key=f"k{i}"
            )
            for i in range(8)
        ]
    )
    ok = [r for r in results if isinstance(r, LedgerTransaction)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(ok) == 1 and len(refused) == 7, results
    assert all(r.code == "insufficient_funds" for r in refused)
    assert services.candidate_balance(alice.pk, "USD") == Money(10_000, "USD")
    assert_reconciles()


def test_release_racing_refund_and_split_moves_the_escrow_once(alice: User) -> None:
    _fund("engagement:1")
    results = race(
        *[
            lambda: services.escrow_release(
                ref="engagement:1", candidate_id=alice.pk, idempotency_key="rel"
            ),
            lambda: services.escrow_refund(
                ref="engagement:1", employer_id=3, idempotency_key="ref"
            ),
            lambda: services.escrow_split(
                ref="engagement:1",
                employer_id=3,
                candidate_id=alice.pk,
                to_candidate=Money(5_000, "USD"),
                idempotency_key="split",
            ),
        ]
    )
    assert sum(isinstance(r, LedgerTransaction) for r in results) == 1, results
    assert services.escrow_balance("engagement:1", "USD") == Money(0, "USD")
    services.retry_pending()
    assert_reconciles()


def test_many_escrows_released_concurrently_never_deadlock(alice: User, bob: User) -> None:
    refs = [f"engagement:{i}" for i in range(12)]
    for ref in refs:
        _fund(ref)
    people = [alice, bob]
    results = race(
        *[
            lambda i=i, ref=ref: services.escrow_release(
                ref=ref, candidate_id=people[i % 2].pk, idempotency_key=f"rel-{ref}"
            )
            for i, ref in enumerate(refs)
        ]
    )
    assert all(isinstance(r, LedgerTransaction) for r in results), results
    assert services.candidate_balance(alice.pk, "USD") == Money(60_000, "USD")
    assert services.candidate_balance(bob.pk, "USD") == Money(60_000, "USD")
    assert_reconciles()


@pytest.mark.parametrize("same_key", [True, False])
def test_concurrent_payouts_never_double_pay(alice: User, same_key: bool) -> None:
    _fund("engagement:1")
    services.escrow_release(ref="engagement:1", candidate_id=alice.pk, idempotency_key="rel")
    results = race(
        *[
            lambda i=i: services.payout_request(
                actor=alice, currency="USD", idempotency_key="p" if same_key else f"p{i}"
            )
            for i in range(8)
        ]
    )
    payouts = [r for r in results if isinstance(r, Payout)]
    if same_key:
        assert len(payouts) == 8 and len({p.pk for p in payouts}) == 1, results
    else:
        assert len(payouts) == 1, results
        assert all(
            isinstance(r, DomainError) and r.code == "insufficient_funds"
            for r in results
            if not isinstance(r, Payout)
        )
    services.retry_pending()
    assert Payout.objects.count() == 1
    assert Payout.objects.get().status == "paid"
    assert SandboxRecord.objects.filter(kind="payout").count() == 1
    assert services.candidate_balance(alice.pk, "USD") == Money(0, "USD")
    assert_reconciles()


def test_concurrent_funding_with_the_same_key_charges_once() -> None:
    results = race(*[lambda: _fund("engagement:1") for _ in range(6)])
    assert not any(isinstance(r, Exception) for r in results), results
    assert SandboxRecord.objects.filter(kind="charge").count() == 1
    assert LedgerTransaction.objects.count() == 1
    assert services.escrow_balance("engagement:1", "USD") == Money(11_000, "USD")
    assert_reconciles()


def test_the_database_refuses_to_change_the_ledger() -> None:
    _fund("engagement:1")
    from django.db import DatabaseError, transaction

    for sql in ("UPDATE payments_entry SET amount = amount + 1", "DELETE FROM payments_entry"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    assert_reconciles()
