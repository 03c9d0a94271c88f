"""Crash safety: a process SIGKILLed in the middle of a payment operation leaves
the ledger consistent, and running the same operation with the same key again
completes it exactly once (the provider sees the same idempotency key)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from stint.accounts.models import User
from stint.core.money import Money
from stint.payments import services
from stint.payments.models import LedgerTransaction, Payout, ProviderOperation, SandboxRecord
from stint.payments.reconcile import reconcile
from tests.payments.helpers import assert_reconciles

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import sys
import django
django.setup()
from stint.core.money import Money
from stint.payments import services
op, arg = sys.argv[1], int(sys.argv[2])
if op == "fund":
    services.escrow_fund(ref="engagement:1", employer_id=3, fee=Money(10000, "USD"),
                         idempotency_key="crash-fund")
elif op == "refund":
    services.escrow_refund(ref="engagement:1", employer_id=3, idempotency_key="crash-refund")
elif op == "refund_execute":
    services.refund_execute(operation_id=arg)
elif op == "payout_execute":
    services.payout_execute(payout_id=arg)
print("finished without pausing", flush=True)
"""


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def kill_at(point: str, op: str, tmp_path: Path, arg: int = 0) -> None:
    """Run `op` in a child process, wait until it reaches `point`, SIGKILL it."""
    marker = tmp_path / f"paused-{point}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "stint.config.settings",
        "DATABASE_URL": _database_url(),
        "TASKS_BACKEND": "immediate",
        "STINT_PAYMENT_PROVIDER": "sandbox",
        "STINT_PLATFORM_FEE_BPS": "1000",
        "STINT_PLATFORM_FEE_PAYER": "employer",
        "STINT_PAYMENTS_PAUSE_AT": point,
        "STINT_PAYMENTS_PAUSE_FILE": str(marker),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }
    connection.close()  # SQLite: let the child write
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, op, str(arg)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not marker.exists():
        if child.poll() is not None:
            out, err = child.communicate()
            pytest.fail(f"child ended before {point}: {out.decode()}\n{err.decode()}")
        if time.monotonic() > deadline:
            child.kill()
            pytest.fail(f"child never reached {point}")
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(30)
    assert child.returncode == -signal.SIGKILL


def _ledger_consistent() -> None:
    """The ledger's own invariants hold (provider agreement is checked separately)."""
    report = reconcile()
    ledger_problems = [p for p in report.problems if "sandbox" not in p]
    assert not ledger_problems, ledger_problems


def test_killed_after_the_charge_before_the_ledger(tmp_path: Path) -> None:
    kill_at("after_charge", "fund", tmp_path)
    assert SandboxRecord.objects.filter(kind="charge").count() == 1
    assert LedgerTransaction.objects.count() == 0
    _ledger_consistent()
    report = reconcile()
    assert any("interrupted escrow_fund" in p for p in report.problems)  # reported, not lost
    tx = services.escrow_fund(
        ref="engagement:1", employer_id=3, fee=Money(10_000, "USD"), idempotency_key="crash-fund"
    )
    assert tx.provider_ref == SandboxRecord.objects.get(kind="charge").provider_ref
    assert SandboxRecord.objects.filter(kind="charge").count() == 1  # charged exactly once
    assert services.escrow_balance("engagement:1", "USD") == Money(11_000, "USD")
    assert_reconciles()


def _funded() -> None:
    services.escrow_fund(
        ref="engagement:1", employer_id=3, fee=Money(10_000, "USD"), idempotency_key="crash-fund"
    )


def test_killed_inside_the_refund_transaction_moves_nothing(tmp_path: Path) -> None:
    _funded()
    kill_at("after_refund_ledger", "refund", tmp_path)
    assert LedgerTransaction.objects.count() == 1  # the refund rolled back with the process
    assert services.escrow_balance("engagement:1", "USD") == Money(11_000, "USD")
    assert_reconciles()
    services.escrow_refund(ref="engagement:1", employer_id=3, idempotency_key="crash-refund")
    assert SandboxRecord.objects.filter(kind="refund").count() == 1
    assert ProviderOperation.objects.get().status == "succeeded"
    assert_reconciles()


def test_killed_after_the_provider_refund_before_recording_it(
    tmp_path: Path, settings: Any
) -> None:
    _funded()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    services.escrow_refund(ref="engagement:1", employer_id=3, idempotency_key="crash-refund")
    op = ProviderOperation.objects.get()
    assert op.status == "pending"
    kill_at("after_refund_call", "refund_execute", tmp_path, op.pk)
    op.refresh_from_db()
    assert op.status == "pending" and SandboxRecord.objects.filter(kind="refund").count() == 1
    _ledger_consistent()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    services.escrow_refund(ref="engagement:1", employer_id=3, idempotency_key="crash-refund")
    op.refresh_from_db()
    assert op.status == "succeeded"
    assert SandboxRecord.objects.filter(kind="refund").count() == 1
    assert_reconciles()


@pytest.mark.parametrize("point", ["before_payout_call", "after_payout_call"])
def test_killed_in_the_middle_of_a_payout(
    tmp_path: Path, settings: Any, alice: User, point: str
) -> None:
    _funded()
    services.escrow_release(ref="engagement:1", candidate_id=alice.pk, idempotency_key="rel")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    payout = services.payout_request(actor=alice, currency="USD", idempotency_key="crash-pay")
    assert payout.status == "requested"
    kill_at(point, "payout_execute", tmp_path, payout.pk)
    payout.refresh_from_db()
    assert payout.status == "requested"
    expected_records = 1 if point == "after_payout_call" else 0
    assert SandboxRecord.objects.filter(kind="payout").count() == expected_records
    _ledger_consistent()
    assert services.candidate_balance(alice.pk, "USD") == Money(0, "USD")  # reserved
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    again = services.payout_request(actor=alice, currency="USD", idempotency_key="crash-pay")
    assert again.pk == payout.pk
    payout.refresh_from_db()
    assert payout.status == "paid"
    assert SandboxRecord.objects.filter(kind="payout").count() == 1  # paid exactly once
    assert Payout.objects.count() == 1
    assert_reconciles()
