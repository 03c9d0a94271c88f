"""Another request finishing between our first look and our row locks.

On one connection we replay the interleavings the locks and the UNIQUE keys guard
against: a competitor runs to completion at the point where, in production, another
process could overtake us. The same key then returns the competitor's result and
moves nothing twice; another key finds the escrow already empty.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from stint.accounts.models import User
from stint.core.errors import DomainError
from stint.core.money import Money
from stint.payments import services
from stint.payments.models import (
    LedgerTransaction,
    Payout,
    ProviderAccount,
    SandboxRecord,
)
from stint.payments.services import escrow, ledger, payouts, setup
from tests.payments.helpers import assert_reconciles

pytestmark = pytest.mark.django_db

REF = "engagement:1"
EMPLOYER = 7


def usd(n: int) -> Money:
    return Money(n, "USD")


def fund(key: str = "fund-1") -> LedgerTransaction:
    return services.escrow_fund(ref=REF, employer_id=EMPLOYER, fee=usd(10_000), idempotency_key=key)


def overtaken_at(
    monkeypatch: pytest.MonkeyPatch, module: Any, name: str, competitor: Callable[[], object]
) -> list[object]:
    """Replace module.name so that, the first time we pass it, `competitor` runs to
    the end right after it (its own pass through the point is not interrupted)."""
    real = getattr(module, name)
    ran: list[object] = []

    def point(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        if not ran:
            ran.append("running")
            ran.append(competitor())
        return result

    monkeypatch.setattr(module, name, point)
    return ran


def key_lookups_miss(monkeypatch: pytest.MonkeyPatch, model: Any, times: int) -> None:
    """The next `times` look-ups of `model` by idempotency key see nothing (as without
    row locks, e.g. on SQLite): only the UNIQUE index stops a second write."""
    manager = model.objects
    real = manager.filter
    left = [times]

    def filter(*args: Any, **kwargs: Any) -> Any:
        if left[0] and not args and set(kwargs) == {"idempotency_key"}:
            left[0] -= 1
            return real(pk__in=[])
        return real(*args, **kwargs)

    monkeypatch.setattr(manager, "filter", filter)


def test_a_retry_that_funds_while_we_charge_is_the_one_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ran = overtaken_at(monkeypatch, escrow, "_pause_point", fund)
    tx = fund()
    assert ran[1] == tx
    assert LedgerTransaction.objects.count() == 1
    assert SandboxRecord.objects.filter(kind="charge").count() == 1
    assert services.escrow_balance(REF, "USD") == usd(11_000)
    assert_reconciles()


@pytest.mark.parametrize(
    "operation",
    [
        lambda who: services.escrow_release(ref=REF, candidate_id=who, idempotency_key="same"),
        lambda who: services.escrow_refund(ref=REF, employer_id=EMPLOYER, idempotency_key="same"),
        lambda who: services.escrow_split(
            ref=REF,
            employer_id=EMPLOYER,
            candidate_id=who,
            to_candidate=usd(4_000),
            idempotency_key="same",
        ),
    ],
    ids=["release", "refund", "split"],
)
def test_the_same_key_finishing_first_is_found_under_the_locks(
    monkeypatch: pytest.MonkeyPatch, alice: User, operation: Callable[[int], LedgerTransaction]
) -> None:
    fund()
    ran = overtaken_at(monkeypatch, escrow, "_escrow_currency", lambda: operation(alice.pk))
    tx = operation(alice.pk)
    assert ran[1] == tx
    assert LedgerTransaction.objects.exclude(kind="escrow_fund").count() == 1
    assert services.escrow_balance(REF, "USD") == usd(0)
    assert_reconciles()


@pytest.mark.parametrize(
    "operation",
    [
        lambda who: services.escrow_release(ref=REF, candidate_id=who, idempotency_key="late"),
        lambda who: services.escrow_refund(ref=REF, employer_id=EMPLOYER, idempotency_key="late"),
        lambda who: services.escrow_split(
            ref=REF,
            employer_id=EMPLOYER,
            candidate_id=who,
            to_candidate=usd(4_000),
            idempotency_key="late",
        ),
    ],
    ids=["release", "refund", "split"],
)
def test_an_escrow_emptied_by_another_key_meanwhile_moves_nothing(
    monkeypatch: pytest.MonkeyPatch, alice: User, operation: Callable[[int], LedgerTransaction]
) -> None:
    fund()
    overtaken_at(
        monkeypatch,
        escrow,
        "_escrow_currency",
        lambda: services.escrow_release(ref=REF, candidate_id=alice.pk, idempotency_key="first"),
    )
    with pytest.raises(DomainError) as exc:
        operation(alice.pk)
    assert exc.value.code == "insufficient_funds"
    assert not LedgerTransaction.objects.filter(idempotency_key="late").exists()
    assert services.candidate_balance(alice.pk, "USD") == usd(10_000)
    assert_reconciles()


def test_a_part_release_retried_without_locks_returns_the_first(
    monkeypatch: pytest.MonkeyPatch, alice: User
) -> None:
    fund()

    def part() -> LedgerTransaction:
        return services.escrow_release(
            ref=REF, candidate_id=alice.pk, idempotency_key="m1", fee_part=usd(3_000)
        )

    first = part()
    key_lookups_miss(monkeypatch, LedgerTransaction, 2)
    assert part() == first
    assert services.candidate_balance(alice.pk, "USD") == usd(3_000)
    assert_reconciles()


def test_a_refund_retried_without_locks_returns_the_first(monkeypatch: pytest.MonkeyPatch) -> None:
    fund()
    first = services.escrow_refund(ref=REF, employer_id=EMPLOYER, idempotency_key="r")
    fund("fund-2")  # money in escrow again, so the retry gets as far as writing
    key_lookups_miss(monkeypatch, LedgerTransaction, 2)
    assert services.escrow_refund(ref=REF, employer_id=EMPLOYER, idempotency_key="r") == first
    assert LedgerTransaction.objects.filter(kind="refund").count() == 1
    assert services.escrow_balance(REF, "USD") == usd(11_000)
    assert_reconciles()


def test_a_split_retried_without_locks_returns_the_first(
    monkeypatch: pytest.MonkeyPatch, alice: User
) -> None:
    fund()

    def split() -> LedgerTransaction:
        return services.escrow_split(
            ref=REF,
            employer_id=EMPLOYER,
            candidate_id=alice.pk,
            to_candidate=usd(4_000),
            idempotency_key="s",
        )

    first = split()
    fund("fund-2")
    key_lookups_miss(monkeypatch, LedgerTransaction, 2)
    assert split() == first
    assert LedgerTransaction.objects.filter(kind="partial_release").count() == 1
    assert services.candidate_balance(alice.pk, "USD") == usd(4_000)
    assert_reconciles()


def earn(candidate: User, key: str) -> None:
    fund(f"fund-{key}")
    services.escrow_release(ref=REF, candidate_id=candidate.pk, idempotency_key=f"rel-{key}")


def test_a_payout_requested_twice_at_once_is_booked_once(
    monkeypatch: pytest.MonkeyPatch, alice: User
) -> None:
    earn(alice, "1")

    def request() -> Payout:
        return services.payout_request(actor=alice, currency="USD", idempotency_key="p")

    ran = overtaken_at(monkeypatch, payouts, "_payout_destination", request)
    payout = request()
    assert ran[1] == payout
    assert Payout.objects.count() == 1
    assert services.candidate_balance(alice.pk, "USD") == usd(0)
    assert_reconciles()


def test_a_payout_retried_without_locks_returns_the_first(
    monkeypatch: pytest.MonkeyPatch, alice: User
) -> None:
    earn(alice, "1")
    first = services.payout_request(actor=alice, currency="USD", idempotency_key="p")
    earn(alice, "2")  # a balance again, so the retry gets as far as writing
    key_lookups_miss(monkeypatch, Payout, 2)
    assert services.payout_request(actor=alice, currency="USD", idempotency_key="p") == first
    assert Payout.objects.count() == 1
    assert services.candidate_balance(alice.pk, "USD") == usd(10_000)
    assert_reconciles()


def test_a_reversal_written_meanwhile_is_not_written_again(
    monkeypatch: pytest.MonkeyPatch, alice: User
) -> None:
    earn(alice, "1")
    payout = services.payout_request(actor=alice, currency="USD", idempotency_key="p")

    def reverse() -> LedgerTransaction:
        return ledger._reverse(payout.transaction, key="p#reversal", amount=10_000, memo="no")

    ran = overtaken_at(monkeypatch, ledger, "lock_accounts", reverse)
    assert reverse() == ran[1]
    assert LedgerTransaction.objects.filter(kind="reversal").count() == 1
    assert services.candidate_balance(alice.pk, "USD") == usd(10_000)
    assert_reconciles()


def test_a_reversal_retried_without_locks_returns_the_first(
    monkeypatch: pytest.MonkeyPatch, alice: User
) -> None:
    earn(alice, "1")
    payout = services.payout_request(actor=alice, currency="USD", idempotency_key="p")

    def reverse() -> LedgerTransaction:
        return ledger._reverse(payout.transaction, key="p#reversal", amount=10_000, memo="no")

    first = reverse()
    assert reverse() == first  # an ordinary retry: found before any lock
    key_lookups_miss(monkeypatch, LedgerTransaction, 2)
    assert reverse() == first
    assert LedgerTransaction.objects.filter(kind="reversal").count() == 1
    assert_reconciles()


def test_a_payout_account_saved_meanwhile_is_updated_not_duplicated(
    monkeypatch: pytest.MonkeyPatch, alice: User
) -> None:
    mine = ProviderAccount.objects.get(owner_kind="candidate", owner_id=alice.pk)
    mine.status = "pending"
    mine.save()
    real = setup.lock_provider_account
    calls: list[int] = []

    def read_before_their_commit(**lookup: Any) -> ProviderAccount | None:
        calls.append(1)
        return None if len(calls) == 1 else real(**lookup)

    monkeypatch.setattr(setup, "lock_provider_account", read_before_their_commit)
    result = services.payout_setup_refresh(actor=alice)
    assert result.account.pk == mine.pk and result.account.status == "ready"
    assert ProviderAccount.objects.filter(owner_kind="candidate", owner_id=alice.pk).count() == 1
    assert len(calls) == 2
