"""The ledger is append-only: the models, the admin and the database refuse changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction

from stint.accounts.models import User
from stint.core.money import Money
from stint.payments import services
from stint.payments.models import Account, AppendOnlyError, Entry, LedgerTransaction

pytestmark = pytest.mark.django_db


@pytest.fixture
def tx() -> LedgerTransaction:
    return services.escrow_fund(
        ref="e:1", employer_id=1, fee=Money(10_000, "USD"), idempotency_key="f"
    )


def test_models_refuse_update_and_delete(tx: LedgerTransaction) -> None:
    entry = tx.entries.first()
    tx.memo = "changed"
    for action in (
        tx.save,
        tx.delete,
        entry.save,
        entry.delete,
        lambda: Entry.objects.filter(pk=entry.pk).update(amount=5),
        lambda: Entry.objects.all().delete(),
        lambda: LedgerTransaction.objects.all().delete(),
    ):
        with pytest.raises(AppendOnlyError):
            action()
    tx.refresh_from_db()
    assert tx.memo != "changed" and tx.entries.count() == 2


def test_database_refuses_zero_entries_and_negative_escrow(tx: LedgerTransaction) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(transaction=tx, account=Account.objects.first(), amount=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(kind="escrow").update(balance=-1)


def test_every_transaction_sums_to_zero_per_currency(
    tx: LedgerTransaction, alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    services.escrow_release(ref="e:1", candidate_id=alice.pk, idempotency_key="r")
    with django_capture_on_commit_callbacks(execute=True):
        services.payout_request(actor=alice, currency="USD", idempotency_key="p")
    for t in LedgerTransaction.objects.all():
        totals: dict[str, int] = {}
        for e in t.entries.select_related("account"):
            totals[e.account.currency] = totals.get(e.account.currency, 0) + e.amount
            assert e.amount != 0
        assert set(totals.values()) == {0}, t
    assert sum(a.balance for a in Account.objects.all()) == 0


def test_admin_is_read_only(tx: LedgerTransaction, root: User, client_for: Any) -> None:
    admin = client_for(root)
    assert admin.get(f"/admin/payments/ledgertransaction/{tx.pk}/change/").status_code == 200
    assert admin.get("/admin/payments/ledgertransaction/add/").status_code == 403
    assert admin.get(f"/admin/payments/ledgertransaction/{tx.pk}/delete/").status_code == 403
    admin.post(f"/admin/payments/ledgertransaction/{tx.pk}/change/", {"memo": "x"})
    tx.refresh_from_db()
    assert tx.memo != "x"
