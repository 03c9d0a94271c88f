"""`manage.py reconcile_ledger`: a clean ledger passes; a hand-corrupted one fails."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from stint.accounts.models import User
from stint.core.money import Money
from stint.payments import services
from stint.payments.models import (
    Account,
    Entry,
    LedgerTransaction,
    Payout,
    SandboxRecord,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(alice: User, django_capture_on_commit_callbacks: Any) -> None:
    services.escrow_fund(ref="e:1", employer_id=1, fee=Money(10_000, "USD"), idempotency_key="f1")
    services.escrow_fund(ref="e:2", employer_id=1, fee=Money(5_000, "USD"), idempotency_key="f2")
    services.escrow_release(ref="e:1", candidate_id=alice.pk, idempotency_key="r1")
    with django_capture_on_commit_callbacks(execute=True):
        services.escrow_refund(ref="e:2", employer_id=1, idempotency_key="x2")
        services.payout_request(actor=alice, currency="USD", idempotency_key="p1")


def run() -> str:
    out = StringIO()
    call_command("reconcile_ledger", stdout=out)
    return out.getvalue()


def fails() -> str:
    out = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("reconcile_ledger", stdout=out)
    return out.getvalue() + str(exc.value)


def test_clean_ledger_passes(ledger: None) -> None:
    output = run()
    assert "every check passed" in output
    assert "checked 5 transactions" in output


def test_empty_ledger_passes(db: None) -> None:
    assert "every check passed" in run()


def test_an_unbalanced_entry_fails(ledger: None) -> None:
    tx = LedgerTransaction.objects.get(idempotency_key="r1")
    platform = Account.objects.get(kind="platform_revenue")
    Entry.objects.create(transaction=tx, account=platform, amount=1)  # a cent from nowhere
    output = fails()
    assert f"transaction #{tx.pk} does not sum to zero" in output
    assert "caches" in output  # and the cached balance no longer matches


def test_a_tampered_cached_balance_fails(ledger: None) -> None:
    Account.objects.filter(kind="escrow", owner_ref="e:1").update(balance=500)
    assert "caches 500 but its entries sum to 0" in fails()


def test_a_negative_escrow_fails(ledger: None) -> None:
    tx = LedgerTransaction.objects.get(idempotency_key="r1")
    escrow = Account.objects.get(kind="escrow", owner_ref="e:1")
    employer = Account.objects.get(kind="employer")
    Entry.objects.bulk_create(
        [
            Entry(transaction=tx, account=escrow, amount=-100),
            Entry(transaction=tx, account=employer, amount=100),
        ]
    )
    assert "is negative" in fails()


def test_a_provider_record_without_a_ledger_record_fails(ledger: None) -> None:
    SandboxRecord.objects.create(
        kind="charge",
        idempotency_key="ghost",
        provider_ref="sb_ch_ghost",
        amount=999,
        currency="USD",
        counterparty="employer:1",
        fingerprint="x",
    )
    assert "sb_ch_ghost" in fails()


def test_a_payout_the_provider_never_made_fails(ledger: None) -> None:
    SandboxRecord.objects.filter(kind="payout").delete()
    assert f"payout #{Payout.objects.get().pk} cites a missing sandbox payout" in fails()
