"""Each check of the reconciliation names what disagrees: thin or mixed-currency
transactions, the sandbox's books against the ledger, Stripe's webhook events
against the ledger, and what is still waiting on the provider."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from stint.accounts.models import User
from stint.core.money import Money
from stint.payments import services
from stint.payments.models import (
    Account,
    Entry,
    LedgerTransaction,
    Payout,
    ProviderEvent,
    ProviderOperation,
    SandboxRecord,
)
from stint.payments.providers import objects, sandbox
from stint.payments.reconcile import STEPS, reconcile
from stint.payments.tasks import retry_pending_operations
from tests.payments.helpers import payout_ready

pytestmark = pytest.mark.django_db


def _fund(ref: str = "e:1", fee: int = 10_000) -> LedgerTransaction:
    return services.escrow_fund(
        ref=ref, employer_id=1, fee=Money(fee, "USD"), idempotency_key=f"f-{ref}"
    )


def _refunded(django_capture_on_commit_callbacks: Any) -> ProviderOperation:
    _fund("e:2", 5_000)
    with django_capture_on_commit_callbacks(execute=True):
        services.escrow_refund(ref="e:2", employer_id=1, idempotency_key="x2")
    return ProviderOperation.objects.get()


def _paid_out(alice: User, django_capture_on_commit_callbacks: Any) -> Payout:
    _fund()
    services.escrow_release(ref="e:1", candidate_id=alice.pk, idempotency_key="r1")
    with django_capture_on_commit_callbacks(execute=True):
        services.payout_request(actor=alice, currency="USD", idempotency_key="p1")
    return Payout.objects.get()


def _event(type_: str, object_id: str, amount: int | None, n: int = 1) -> ProviderEvent:
    return ProviderEvent.objects.create(
        provider="stripe",
        event_id=f"evt_{n}",
        type=type_,
        object_id=object_id,
        amount=amount,
        currency="USD",
        payload={},
    )


def test_every_step_is_reported_as_it_runs(db: None) -> None:
    seen: list[str] = []
    report = reconcile(on_step=seen.append)
    assert report.ok
    assert seen == [name for name, _ in STEPS]


def test_a_transaction_with_one_entry_fails() -> None:
    tx = LedgerTransaction.objects.create(
        kind="escrow_fund", idempotency_key="thin", fingerprint="x", currency="USD", amount=5
    )
    account = Account.objects.create(kind="processor", currency="USD")
    Entry.objects.create(transaction=tx, account=account, amount=5)
    problems = reconcile().problems
    assert f"transaction #{tx.pk} has fewer than two entries" in problems


def test_an_entry_in_another_currency_fails() -> None:
    tx = _fund()
    euro_a = Account.objects.create(kind="processor", currency="EUR")
    euro_b = Account.objects.create(kind="employer", owner_ref="9", currency="EUR")
    Entry.objects.bulk_create(
        [
            Entry(transaction=tx, account=euro_a, amount=-7),
            Entry(transaction=tx, account=euro_b, amount=7),
        ]
    )
    problems = reconcile().problems
    assert any("is in another currency" in p for p in problems), problems


def test_a_sandbox_charge_of_another_amount_fails() -> None:
    tx = _fund()
    SandboxRecord.objects.filter(kind="charge").update(amount=tx.amount + 1)
    problems = reconcile().problems
    assert any(f"but ledger #{tx.pk} says {tx.amount} USD" in p for p in problems), problems


def test_a_ledger_charge_the_sandbox_never_made_fails() -> None:
    tx = _fund()
    SandboxRecord.objects.filter(kind="charge").delete()
    problems = reconcile().problems
    assert any(f"ledger #{tx.pk} cites sandbox charge" in p for p in problems), problems


def test_a_sandbox_refund_not_recorded_as_sent_names_the_pending_retry(
    django_capture_on_commit_callbacks: Any,
) -> None:
    op = _refunded(django_capture_on_commit_callbacks)
    ProviderOperation.objects.filter(pk=op.pk).update(provider_ref="", status="pending")
    problems = reconcile().problems
    assert any(
        "is not recorded as sent; its operation is pending: run the retry" in p for p in problems
    ), problems


def test_a_sandbox_refund_of_another_amount_fails(django_capture_on_commit_callbacks: Any) -> None:
    op = _refunded(django_capture_on_commit_callbacks)
    ProviderOperation.objects.filter(pk=op.pk).update(amount=op.amount - 1)
    problems = reconcile().problems
    assert any(f"disagrees with operation #{op.pk}" in p for p in problems), problems


def test_a_refund_the_sandbox_never_made_fails(django_capture_on_commit_callbacks: Any) -> None:
    op = _refunded(django_capture_on_commit_callbacks)
    SandboxRecord.objects.filter(kind="refund").delete()
    assert f"refund operation #{op.pk} cites a missing sandbox refund" in reconcile().problems


def test_a_sandbox_payout_not_recorded_as_paid_fails(
    alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    payout = _paid_out(alice, django_capture_on_commit_callbacks)
    Payout.objects.filter(pk=payout.pk).update(provider_ref="")
    problems = reconcile().problems
    assert any("is not recorded as paid" in p for p in problems), problems


def test_a_sandbox_payout_of_another_amount_fails(
    alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    payout = _paid_out(alice, django_capture_on_commit_callbacks)
    Payout.objects.filter(pk=payout.pk).update(amount=payout.amount + 1)
    problems = reconcile().problems
    assert any(f"disagrees with payout #{payout.pk}" in p for p in problems), problems


def test_stripe_events_that_match_the_ledger_pass(
    alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    payout = _paid_out(alice, django_capture_on_commit_callbacks)
    tx = LedgerTransaction.objects.get(kind="escrow_fund")
    _event("payment_intent.succeeded", tx.provider_ref, tx.amount, 1)
    _event("transfer.created", payout.provider_ref, payout.amount, 2)
    _event("customer.updated", "cus_1", None, 3)  # not about money: not checked
    report = reconcile()
    assert report.ok, report.problems
    assert report.checked["provider events"] == 3


def test_stripe_events_that_disagree_or_match_nothing_fail(
    django_capture_on_commit_callbacks: Any,
) -> None:
    op = _refunded(django_capture_on_commit_callbacks)
    _event("refund.created", op.provider_ref, op.amount + 1, 1)
    _event("payment_intent.succeeded", "pi_unknown", 500, 2)
    problems = reconcile().problems
    assert f"stripe event evt_1 says {op.amount + 1}, the ledger says {op.amount}" in problems
    assert (
        "stripe event evt_2 (payment_intent.succeeded pi_unknown) matches no ledger record"
        in problems
    )


def test_what_awaits_the_provider_is_noted_not_failed(
    alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    payout = _paid_out(alice, django_capture_on_commit_callbacks)
    Payout.objects.filter(pk=payout.pk).update(status="requested", provider_ref="")
    SandboxRecord.objects.filter(kind="payout").delete()
    op = _refunded(django_capture_on_commit_callbacks)
    ProviderOperation.objects.filter(pk=op.pk).update(status="pending", provider_ref="")
    SandboxRecord.objects.filter(kind="refund").delete()
    report = reconcile()
    assert f"payout #{payout.pk} ({payout.amount} USD) awaits the provider" in report.notes
    assert any(n.startswith("refund x2") and n.endswith("is pending") for n in report.notes)


def test_the_command_prints_what_awaits_the_provider(
    alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    payout = _paid_out(alice, django_capture_on_commit_callbacks)
    Payout.objects.filter(pk=payout.pk).update(status="requested", provider_ref="")
    SandboxRecord.objects.filter(kind="payout").delete()
    out = StringIO()
    call_command("reconcile_ledger", stdout=out)
    assert f"note: payout #{payout.pk} ({payout.amount} USD) awaits the provider" in out.getvalue()


def test_the_sweep_task_sends_a_refund_left_pending(
    django_capture_on_commit_callbacks: Any,
) -> None:
    _fund("e:2", 5_000)
    with (
        sandbox.sandbox_failures(refund="unavailable"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.escrow_refund(ref="e:2", employer_id=1, idempotency_key="x2")
    assert ProviderOperation.objects.get().status == "pending"
    retry_pending_operations.enqueue()  # the suite's task backend runs it at once
    assert ProviderOperation.objects.get().status == "succeeded"
    assert reconcile().ok


def test_rows_read_plainly_in_the_admin_and_logs(
    alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    payout = _paid_out(alice, django_capture_on_commit_callbacks)
    assert str(payout) == f"Payout {payout.money} to {alice.pk} (paid)"
    record = SandboxRecord.objects.get(kind="payout")
    assert str(record) == f"sandbox payout {record.provider_ref}"
    op = _refunded(django_capture_on_commit_callbacks)
    assert str(op) == f"refund {Money(op.amount, 'USD')} (succeeded)"
    event = _event("transfer.created", payout.provider_ref, payout.amount)
    assert str(event) == "stripe transfer.created evt_1"
    account = payout_ready(alice)
    assert str(account) == f"sandbox candidate:{alice.pk} = {account.external_id}"


def test_an_expanded_provider_object_is_read_by_its_id() -> None:
    assert objects._id({"id": "acct_1", "object": "account"}) == "acct_1"
    assert objects._id({"object": "account"}) == ""
    assert objects._id("acct_2") == "acct_2"
    assert objects._id(None) == ""
