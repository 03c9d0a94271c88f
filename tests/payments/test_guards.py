"""What the ledger and the money services refuse, and what they answer when asked twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction

from stint.accounts.models import User
from stint.core.errors import DomainError, NotFound
from stint.core.money import Money
from stint.notifications.models import Notification
from stint.orgs.models import Organisation
from stint.payments import services
from stint.payments.models import (
    Account,
    LedgerTransaction,
    OperationStatus,
    Payout,
    ProviderAccount,
    ProviderOperation,
    SandboxRecord,
)
from stint.payments.providers import ProviderResult, sandbox
from stint.payments.providers.signature import header_for
from stint.payments.services import ledger, payouts, refunds, setup
from stint.payments.templatetags.payments_setup import payment_setup_panel
from tests.payments.helpers import assert_reconciles
from tests.personas import make_user

pytestmark = pytest.mark.django_db

REF = "engagement:1"
EMPLOYER = 7


def usd(n: int) -> Money:
    return Money(n, "USD")


def fund(key: str = "fund-1", fee: Money | None = None) -> LedgerTransaction:
    return services.escrow_fund(
        ref=REF, employer_id=EMPLOYER, fee=fee or usd(10_000), idempotency_key=key
    )


def code_of(call: Any) -> tuple[str, str | None]:
    with pytest.raises(DomainError) as exc:
        call()
    return exc.value.code, exc.value.field


# --- The ledger's own checks -------------------------------------------------------------


def test_a_fee_payer_setting_that_is_neither_side_is_refused(settings: Any) -> None:
    settings.STINT_PLATFORM_FEE_PAYER = "nobody"
    assert code_of(lambda: services.funding_amount_for(usd(100))) == ("bad_settings", None)


def test_an_account_created_meanwhile_is_used_not_duplicated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    theirs = Account.objects.create(kind="candidate", owner_ref="5", currency="USD")
    real = Account.objects.filter
    looks: list[int] = []

    def read_before_their_commit(*args: Any, **kwargs: Any) -> Any:
        looks.append(1)
        return real(pk__in=[]) if len(looks) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(Account.objects, "filter", read_before_their_commit)
    assert ledger._account("candidate", "5", "USD") == theirs
    assert Account.objects.count() == 1


def post(**changes: Any) -> LedgerTransaction:
    escrow = ledger._account("escrow", REF, "USD")
    employer = ledger._account("employer", "1", "USD")
    args: dict[str, Any] = {
        "kind": "escrow_fund",
        "key": "k",
        "fingerprint": "fp",
        "currency": "USD",
        "amount": 100,
        "legs": [(employer, -100), (escrow, 100)],
        **changes,
    }
    with transaction.atomic():
        return ledger._post(**args)


def test_a_posting_must_balance_in_one_currency() -> None:
    euros = ledger._account("employer", "2", "EUR")
    escrow = ledger._account("escrow", REF, "USD")
    with pytest.raises(ValueError, match="another currency"):
        post(legs=[(euros, -100), (escrow, 100)])
    with pytest.raises(ValueError, match="Unbalanced"):
        post(legs=[(ledger._account("employer", "1", "USD"), -100), (escrow, 99)])
    assert LedgerTransaction.objects.count() == 0


def test_a_posting_never_takes_an_escrow_below_zero() -> None:
    escrow = ledger._account("escrow", REF, "USD")
    employer = ledger._account("employer", "1", "USD")
    with pytest.raises(DomainError) as exc:
        post(legs=[(escrow, -100), (employer, 100)])
    assert exc.value.code == "insufficient_funds"
    assert LedgerTransaction.objects.count() == 0


def test_an_integrity_error_that_is_not_the_key_is_not_swallowed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(**fields: Any) -> LedgerTransaction:
        raise IntegrityError("some other constraint")

    monkeypatch.setattr(ledger, "_create_transaction", broken)
    with pytest.raises(IntegrityError):
        post()


def test_a_pause_point_announces_itself_then_waits(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    marker = tmp_path / "paused"
    waited: list[str] = []
    monkeypatch.setattr(ledger, "_wait_to_be_killed", lambda: waited.append("waiting"))
    monkeypatch.setenv("STINT_PAYMENTS_PAUSE_AT", "after_charge")
    monkeypatch.setenv("STINT_PAYMENTS_PAUSE_FILE", str(marker))
    ledger._pause_point("after_refund_call")  # another point: carries on
    assert not marker.exists() and waited == []
    ledger._pause_point("after_charge")
    assert marker.read_text() == "after_charge" and waited == ["waiting"]


# --- Escrow --------------------------------------------------------------------------------


def test_an_escrow_in_two_currencies_is_not_released(alice: User) -> None:
    fund()
    fund("fund-eur", Money(10_000, "EUR"))
    release = lambda: services.escrow_release(  # noqa: E731
        ref=REF, candidate_id=alice.pk, idempotency_key="r"
    )
    assert code_of(release) == ("mixed_currencies", None)
    assert not LedgerTransaction.objects.filter(kind="escrow_release").exists()


def test_a_charge_for_another_amount_is_not_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    class ShortChanging(sandbox.SandboxProvider):
        def charge(self, *, amount: Money, **kwargs: Any) -> ProviderResult:
            return ProviderResult(provider_ref="sb_short", amount=Money(amount.amount - 1, "USD"))

    monkeypatch.setattr("stint.payments.providers.get_provider", lambda name=None: ShortChanging())
    assert code_of(fund) == ("provider_mismatch", None)
    assert LedgerTransaction.objects.count() == 0


def test_a_part_release_is_a_positive_part_in_the_escrow_currency(alice: User) -> None:
    fund()

    def part(fee_part: Money) -> Any:
        return lambda: services.escrow_release(
            ref=REF, candidate_id=alice.pk, idempotency_key="p", fee_part=fee_part
        )

    assert code_of(part(usd(0))) == ("bad_amount", "fee_part")
    assert code_of(part(Money(100, "EUR"))) == ("bad_currency", "fee_part")
    assert services.escrow_balance(REF, "USD") == usd(11_000)


def test_a_part_bigger_than_what_a_refund_left_is_refused(alice: User) -> None:
    fund()
    services.escrow_refund(ref=REF, employer_id=EMPLOYER, idempotency_key="refund")
    fund("fund-2")  # the fee counted is now 20,000, the escrow holds 11,000
    part = lambda: services.escrow_release(  # noqa: E731
        ref=REF, candidate_id=alice.pk, idempotency_key="p", fee_part=usd(15_000)
    )
    assert code_of(part) == ("insufficient_funds", "fee_part")
    assert services.escrow_balance(REF, "USD") == usd(11_000)


def test_a_split_is_a_share_for_the_candidate_from_the_funder(alice: User) -> None:
    fund()

    def split(*, to_candidate: Money, employer_id: int = EMPLOYER, key: str = "s") -> Any:
        return services.escrow_split(
            ref=REF,
            employer_id=employer_id,
            candidate_id=alice.pk,
            to_candidate=to_candidate,
            idempotency_key=key,
        )

    assert code_of(lambda: split(to_candidate=usd(-1))) == ("bad_amount", "to_candidate")
    assert code_of(lambda: split(to_candidate=usd(1), employer_id=8)) == (
        "not_the_funder",
        "employer_id",
    )
    first = split(to_candidate=usd(4_000))
    assert split(to_candidate=usd(4_000)) == first  # the same key: the first result
    assert LedgerTransaction.objects.filter(kind="partial_release").count() == 1
    assert_reconciles()


# --- Money going out -----------------------------------------------------------------------


def earn(candidate: User) -> None:
    fund()
    services.escrow_release(ref=REF, candidate_id=candidate.pk, idempotency_key="rel")


def test_a_payout_needs_a_signed_in_candidate() -> None:
    with pytest.raises(NotFound):
        services.payout_request(actor=AnonymousUser(), currency="USD", idempotency_key="p")  # type: ignore[arg-type]
    assert Payout.objects.count() == 0


def test_a_payout_fails_once(alice: User) -> None:
    earn(alice)
    payout = services.payout_request(actor=alice, currency="USD", idempotency_key="p")
    failed = payouts._payout_failed(payout, "Bank said no")
    again = payouts._payout_failed(payout, "Bank said no again")
    assert again.status == "failed" and again.reversal_id == failed.reversal_id
    assert again.failure_reason == "Bank said no"
    assert LedgerTransaction.objects.filter(kind="reversal").count() == 1
    assert services.candidate_balance(alice.pk, "USD") == usd(10_000)
    assert_reconciles()


def test_held_payouts_stay_held_until_the_account_is_ready(db: None) -> None:
    cara = make_user("cara@example.com", candidate=True)
    earn(cara)
    payout = services.payout_request(actor=cara, currency="USD", idempotency_key="p")
    assert payout.status == "held"
    assert services.payouts_release_held(candidate_id=cara.pk) == []
    payout.refresh_from_db()
    assert payout.status == "held"


def refunded(django_capture_on_commit_callbacks: Any) -> ProviderOperation:
    fund()
    with django_capture_on_commit_callbacks(execute=True):
        services.escrow_refund(ref=REF, employer_id=EMPLOYER, idempotency_key="refund")
    return ProviderOperation.objects.get()


def test_a_sent_refund_is_not_sent_again(django_capture_on_commit_callbacks: Any) -> None:
    op = refunded(django_capture_on_commit_callbacks)
    assert op.status == OperationStatus.SUCCEEDED
    again = services.refund_execute(operation_id=op.pk)
    assert again.status == OperationStatus.SUCCEEDED and again.attempts == op.attempts
    assert SandboxRecord.objects.filter(kind="refund").count() == 1


def test_a_refund_the_provider_accepted_is_failed_only_by_its_news(
    django_capture_on_commit_callbacks: Any,
) -> None:
    op = refunded(django_capture_on_commit_callbacks)
    assert refunds._refund_failed(op, "a late refusal").status == OperationStatus.SUCCEEDED
    assert not LedgerTransaction.objects.filter(kind="reversal").exists()
    payload = (
        b'{"id": "evt_refund_failed", "type": "refund.failed", "data": {"object": '
        b'{"id": "' + op.provider_ref.encode() + b'", "status": "failed"}}}'
    )
    outcome = services.webhook_receive(
        provider_name="sandbox",
        payload=payload,
        signature_header=header_for(sandbox.SANDBOX_WEBHOOK_SECRET, payload),
    )
    assert not outcome.duplicate
    op.refresh_from_db()
    assert op.status == OperationStatus.FAILED
    assert services.escrow_balance(REF, "USD") == usd(11_000)  # back in escrow
    assert_reconciles()


# --- Setup ---------------------------------------------------------------------------------


def test_news_of_a_payout_account_is_not_sent_to_a_closed_account(db: None) -> None:
    gone = make_user("gone@example.com", candidate=True)
    gone.is_active = False
    gone.save()
    row = ProviderAccount(
        provider="sandbox", owner_kind="candidate", owner_id=gone.pk, status="ready"
    )
    setup._tell_payout_account(gone.pk, row, [])
    assert not Notification.objects.filter(user=gone).exists()


def test_an_unreachable_provider_during_payment_setup_saves_nothing(
    bob: User, acme: Organisation
) -> None:
    sandbox.fail_next("setup", "unavailable")
    start = lambda: services.payment_setup_start(actor=bob, organisation_id=acme.pk)  # noqa: E731
    assert code_of(start) == ("provider_unavailable", None)
    assert not ProviderAccount.objects.filter(owner_kind="employer").exists()


def test_the_organisation_payment_panel_shows_nothing_to_outsiders(
    carol: User, acme: Organisation
) -> None:
    panel = payment_setup_panel({"user": carol}, acme)
    assert panel == {"org": acme, "setup": None}
