"""Every money operation: what moves, idempotent retries, key reuse, refusals."""

from __future__ import annotations

from typing import Any

import pytest

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError
from stint.core.money import Money
from stint.payments import services
from stint.payments.models import (
    Account,
    LedgerTransaction,
    Payout,
    ProviderOperation,
    SandboxRecord,
)
from stint.payments.providers import sandbox
from stint.payments.services import escrow
from tests.payments.helpers import assert_reconciles

pytestmark = pytest.mark.django_db

USD = "USD"
EMPLOYER = 7


def usd(n: int) -> Money:
    return Money(n, USD)


def fund(ref: str = "engagement:1", fee: int = 10_000, key: str = "fund-1") -> LedgerTransaction:
    return services.escrow_fund(ref=ref, employer_id=EMPLOYER, fee=usd(fee), idempotency_key=key)


def balance(kind: str, owner: str = "") -> int:
    acc = Account.objects.filter(kind=kind, owner_ref=owner, currency=USD).first()
    return acc.balance if acc else 0


def test_funding_amount_for_follows_the_fee_payer(settings: Any) -> None:
    assert services.funding_amount_for(usd(10_000)) == usd(11_000)
    settings.STINT_PLATFORM_FEE_PAYER = "candidate"
    assert services.funding_amount_for(usd(10_000)) == usd(10_000)
    with pytest.raises(DomainError) as exc:
        services.funding_amount_for(usd(0))
    assert exc.value.field == "fee"


def test_fund_charges_the_employer_and_fills_escrow() -> None:
    tx = fund()
    assert tx.kind == "escrow_fund" and tx.amount == 11_000
    assert services.escrow_balance("engagement:1", USD) == usd(11_000)
    assert balance("employer", str(EMPLOYER)) == -11_000
    charge = SandboxRecord.objects.get(kind="charge")
    assert charge.amount == 11_000 and tx.provider_ref == charge.provider_ref
    assert sorted(e.amount for e in tx.entries.all()) == [-11_000, 11_000]
    assert_reconciles()


def test_fund_retry_returns_the_first_result_and_charges_once() -> None:
    first = fund()
    again = fund()
    assert again.pk == first.pk
    assert SandboxRecord.objects.filter(kind="charge").count() == 1
    assert services.escrow_balance("engagement:1", USD) == usd(11_000)


def test_same_key_other_arguments_is_a_conflict() -> None:
    fund()
    with pytest.raises(ConflictError) as exc:
        fund(fee=20_000)
    assert exc.value.status == 409 and exc.value.field == "idempotency_key"
    with pytest.raises(ConflictError):
        services.escrow_release(ref="engagement:1", candidate_id=1, idempotency_key="fund-1")
    assert LedgerTransaction.objects.count() == 1


def test_declined_charge_records_nothing() -> None:
    with sandbox.sandbox_failures(charge="declined"), pytest.raises(DomainError) as exc:
        fund()
    assert exc.value.code == "payment_declined"
    assert LedgerTransaction.objects.count() == 0
    with sandbox.sandbox_failures(charge="unavailable"), pytest.raises(DomainError) as exc:
        fund()
    assert exc.value.code == "provider_unavailable"
    fund()  # the same key later succeeds, once
    assert SandboxRecord.objects.filter(kind="charge").count() == 1


def test_release_employer_pays_fee(alice: User) -> None:
    fund()
    tx = services.escrow_release(ref="engagement:1", candidate_id=alice.pk, idempotency_key="rel")
    assert tx.amount == 11_000
    assert services.candidate_balance(alice.pk, USD) == usd(10_000)
    assert balance("platform_revenue") == 1_000
    assert services.escrow_balance("engagement:1", USD) == usd(0)
    again = services.escrow_release(
        ref="engagement:1", candidate_id=alice.pk, idempotency_key="rel"
    )
    assert again.pk == tx.pk
    assert services.candidate_balance(alice.pk, USD) == usd(10_000)
    assert_reconciles()


def test_release_candidate_pays_fee(settings: Any, alice: User) -> None:
    settings.STINT_PLATFORM_FEE_PAYER = "candidate"
    fund(fee=9_999)
    assert services.escrow_balance("engagement:1", USD) == usd(9_999)
    # The terms are frozen at funding: changing the setting later changes nothing.
    settings.STINT_PLATFORM_FEE_PAYER = "employer"
    services.escrow_release(ref="engagement:1", candidate_id=alice.pk, idempotency_key="rel")
    assert services.candidate_balance(alice.pk, USD) == usd(9_999 - 999)
    assert balance("platform_revenue") == 999
    assert_reconciles()


def test_second_release_with_another_key_has_nothing_to_release(alice: User) -> None:
    fund()
    services.escrow_release(ref="engagement:1", candidate_id=alice.pk, idempotency_key="a")
    with pytest.raises(DomainError) as exc:
        services.escrow_release(ref="engagement:1", candidate_id=alice.pk, idempotency_key="b")
    assert exc.value.code == "insufficient_funds"
    with pytest.raises(DomainError) as exc:
        services.escrow_release(ref="engagement:nope", candidate_id=alice.pk, idempotency_key="c")
    assert exc.value.code == "insufficient_funds"
    assert services.candidate_balance(alice.pk, USD) == usd(10_000)


def test_refund_returns_everything_and_refunds_at_the_provider(
    django_capture_on_commit_callbacks: Any,
) -> None:
    fund()
    with django_capture_on_commit_callbacks(execute=True):
        tx = services.escrow_refund(ref="engagement:1", employer_id=EMPLOYER, idempotency_key="ref")
    assert tx.kind == "refund" and tx.amount == 11_000
    assert services.escrow_balance("engagement:1", USD) == usd(0)
    assert balance("employer", str(EMPLOYER)) == 0
    op = ProviderOperation.objects.get()
    assert op.status == "succeeded" and op.provider_ref.startswith("sb_re_")
    assert SandboxRecord.objects.get(kind="refund").amount == 11_000
    with django_capture_on_commit_callbacks(execute=True):
        again = services.escrow_refund(
            ref="engagement:1", employer_id=EMPLOYER, idempotency_key="ref"
        )
    assert again.pk == tx.pk
    assert SandboxRecord.objects.filter(kind="refund").count() == 1
    assert_reconciles()


def test_only_the_funder_is_refunded() -> None:
    fund()
    with pytest.raises(DomainError) as exc:
        services.escrow_refund(ref="engagement:1", employer_id=99, idempotency_key="x")
    assert exc.value.code == "not_the_funder" and exc.value.field == "employer_id"


def test_declined_refund_is_reversed_back_into_escrow(
    django_capture_on_commit_callbacks: Any, alice: User
) -> None:
    fund()
    with (
        sandbox.sandbox_failures(refund="declined"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tx = services.escrow_refund(ref="engagement:1", employer_id=EMPLOYER, idempotency_key="r")
    assert ProviderOperation.objects.get().status == "failed"
    assert tx.reversals.count() == 1
    assert services.escrow_balance("engagement:1", USD) == usd(11_000)
    # The money is back in escrow and can be released instead.
    services.escrow_release(ref="engagement:1", candidate_id=alice.pk, idempotency_key="rel")
    assert services.candidate_balance(alice.pk, USD) == usd(10_000)
    assert_reconciles()


def test_unreachable_refund_stays_pending_and_the_same_key_finishes_it(
    django_capture_on_commit_callbacks: Any,
) -> None:
    fund()
    with (
        sandbox.sandbox_failures(refund="unavailable"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.escrow_refund(ref="engagement:1", employer_id=EMPLOYER, idempotency_key="r")
    op = ProviderOperation.objects.get()
    assert op.status == "pending" and op.attempts == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.escrow_refund(ref="engagement:1", employer_id=EMPLOYER, idempotency_key="r")
    op.refresh_from_db()
    assert op.status == "succeeded"
    assert_reconciles()


@pytest.mark.parametrize(
    ("payer", "to_candidate", "expect"),
    [
        ("employer", 4_000, (4_000, 400, 6_600)),
        ("candidate", 4_000, (3_600, 400, 6_000)),
        ("employer", 10_000, (10_000, 1_000, 0)),
        ("employer", 0, (0, 0, 11_000)),
    ],
)
def test_split(
    settings: Any,
    alice: User,
    django_capture_on_commit_callbacks: Any,
    payer: str,
    to_candidate: int,
    expect: tuple[int, int, int],
) -> None:
    settings.STINT_PLATFORM_FEE_PAYER = payer
    fund()
    with django_capture_on_commit_callbacks(execute=True):
        tx = services.escrow_split(
            ref="engagement:1",
            employer_id=EMPLOYER,
            candidate_id=alice.pk,
            to_candidate=usd(to_candidate),
            idempotency_key="split",
        )
    cand, plat, refund = expect
    assert tx.kind == "partial_release"
    assert services.candidate_balance(alice.pk, USD) == usd(cand)
    assert balance("platform_revenue") == plat
    assert services.escrow_balance("engagement:1", USD) == usd(0)
    refunds = SandboxRecord.objects.filter(kind="refund")
    assert sum(r.amount for r in refunds) == refund
    assert_reconciles()


def test_split_refuses_more_than_the_fee(alice: User) -> None:
    fund()
    with pytest.raises(DomainError) as exc:
        services.escrow_split(
            ref="engagement:1",
            employer_id=EMPLOYER,
            candidate_id=alice.pk,
            to_candidate=usd(10_001),
            idempotency_key="s",
        )
    assert exc.value.code == "insufficient_funds" and exc.value.field == "to_candidate"
    with pytest.raises(DomainError) as exc:
        services.escrow_split(
            ref="engagement:1",
            employer_id=EMPLOYER,
            candidate_id=alice.pk,
            to_candidate=Money(100, "EUR"),
            idempotency_key="s",
        )
    assert exc.value.field == "to_candidate"
    assert services.escrow_balance("engagement:1", USD) == usd(11_000)


def test_payout_pays_the_whole_balance_once(
    alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    fund()
    services.escrow_release(ref="engagement:1", candidate_id=alice.pk, idempotency_key="rel")
    with django_capture_on_commit_callbacks(execute=True):
        payout = services.payout_request(actor=alice, currency=USD, idempotency_key="p1")
    payout.refresh_from_db()
    assert payout.status == "paid" and payout.amount == 10_000
    assert services.candidate_balance(alice.pk, USD) == usd(0)
    assert balance("processor") == 10_000
    with django_capture_on_commit_callbacks(execute=True):
        again = services.payout_request(actor=alice, currency=USD, idempotency_key="p1")
    assert again.pk == payout.pk
    assert SandboxRecord.objects.filter(kind="payout").count() == 1
    with pytest.raises(DomainError) as exc:
        services.payout_request(actor=alice, currency=USD, idempotency_key="p2")
    assert exc.value.code == "insufficient_funds" and exc.value.field == "currency"
    with pytest.raises(ConflictError):
        services.payout_request(actor=alice, currency="EUR", idempotency_key="p1")
    assert_reconciles()


def test_failed_payout_returns_the_money(
    alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    fund()
    services.escrow_release(ref="engagement:1", candidate_id=alice.pk, idempotency_key="rel")
    with (
        sandbox.sandbox_failures(payout="declined"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        payout = services.payout_request(actor=alice, currency=USD, idempotency_key="p1")
    payout.refresh_from_db()
    assert payout.status == "failed" and payout.reversal is not None
    assert services.candidate_balance(alice.pk, USD) == usd(10_000)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.payout_request(actor=alice, currency=USD, idempotency_key="p2")
    second.refresh_from_db()
    assert second.status == "paid"
    assert_reconciles()


def test_unreachable_payout_is_retried(
    alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    fund()
    services.escrow_release(ref="engagement:1", candidate_id=alice.pk, idempotency_key="rel")
    with (
        sandbox.sandbox_failures(payout="unavailable"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        payout = services.payout_request(actor=alice, currency=USD, idempotency_key="p1")
    payout.refresh_from_db()
    assert payout.status == "requested"
    assert services.retry_pending() == 1
    payout.refresh_from_db()
    assert payout.status == "paid"
    assert Payout.objects.count() == 1
    assert_reconciles()


def test_bad_inputs_name_their_field(alice: User) -> None:
    for call, field in [
        (
            lambda: services.escrow_fund(ref="", employer_id=1, fee=usd(1), idempotency_key="k"),
            "ref",
        ),
        (lambda: fund(key=""), "idempotency_key"),
        (
            lambda: services.payout_request(actor=alice, currency="XXX", idempotency_key="k"),
            "currency",
        ),
    ]:
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.field == field
    assert LedgerTransaction.objects.count() == 0


def test_jpy_has_no_minor_units(alice: User) -> None:
    services.escrow_fund(
        ref="engagement:9", employer_id=EMPLOYER, fee=Money(12_345, "JPY"), idempotency_key="j"
    )
    services.escrow_release(ref="engagement:9", candidate_id=alice.pk, idempotency_key="jr")
    assert services.candidate_balance(alice.pk, "JPY") == Money(12_345, "JPY")
    assert_reconciles()


def test_a_key_written_between_check_and_insert_returns_the_first_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without row locks (SQLite) two callers can both miss the key; the UNIQUE
    index stops the second, which then answers with the first result."""
    first = fund()
    real = escrow._existing
    misses = {"n": 2}

    def racing(model: Any, key: str, fp: str) -> Any:
        if misses["n"]:
            misses["n"] -= 1
            return None
        return real(model, key, fp)

    monkeypatch.setattr(escrow, "_existing", racing)  # where escrow operations call it
    assert fund().pk == first.pk
    misses["n"] = 2
    with pytest.raises(ConflictError):
        services.escrow_release(ref="engagement:1", candidate_id=1, idempotency_key="fund-1")
    assert LedgerTransaction.objects.count() == 1
    assert SandboxRecord.objects.filter(kind="charge").count() == 1
    assert services.escrow_balance("engagement:1", USD) == usd(11_000)
    assert_reconciles()


def test_provider_failures_are_counted_for_metrics() -> None:
    from stint.core import metrics

    def failures() -> float:
        line = next(
            (
                row
                for row in metrics.render().splitlines()
                if row.startswith("stint_payment_failures_total")
                and 'operation="charge"' in row
                and 'provider="sandbox"' in row
            ),
            None,
        )
        return float(line.rsplit(" ", 1)[1]) if line else 0.0

    before = failures()
    with sandbox.sandbox_failures(charge="declined"), pytest.raises(DomainError):
        fund()
    assert failures() == before + 1
