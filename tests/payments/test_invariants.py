"""Random sequences of fund / release / refund / split / payout / payout setup (with
retries, reused keys and provider failures) keep every invariant of the ledger."""

from __future__ import annotations

import contextlib
import itertools
from typing import Any

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stint.core.errors import DomainError
from stint.core.money import Money
from stint.payments import services
from stint.payments.models import (
    Account,
    LedgerTransaction,
    OperationStatus,
    Payout,
    PayoutStatus,
    ProviderOperation,
    SandboxRecord,
)
from stint.payments.providers import sandbox
from tests.payments.helpers import assert_reconciles, payout_ready
from tests.personas import make_user

pytestmark = pytest.mark.django_db

_run = itertools.count()

op = st.one_of(
    st.tuples(st.just("fund"), st.integers(0, 2), st.integers(1, 50_000)),
    st.tuples(st.just("release"), st.integers(0, 2), st.integers(0, 1)),
    st.tuples(st.just("refund"), st.integers(0, 2), st.just(0)),
    st.tuples(st.just("split"), st.integers(0, 2), st.integers(0, 1), st.floats(0, 1.2)),
    st.tuples(st.just("payout"), st.integers(0, 1)),
    st.tuples(st.just("setup"), st.integers(0, 1)),  # payout setup: releases held payouts
    st.tuples(st.just("replay"), st.integers(0, 30)),
)
failure = st.sampled_from([None, None, None, "declined", "unavailable"])


def _sum(qs: Any) -> int:
    return qs.aggregate(t=Sum("amount"))["t"] or 0


def _balances() -> list[tuple[int, int]]:
    return list(Account.objects.order_by("pk").values_list("pk", "balance"))


def _check_conservation() -> None:
    """What the provider holds equals what the ledger says is held, counting
    outgoing money the provider has not confirmed yet."""
    at_provider = (
        _sum(SandboxRecord.objects.filter(kind="charge"))
        - _sum(SandboxRecord.objects.filter(kind="refund"))
        - _sum(SandboxRecord.objects.filter(kind="payout"))
    )
    held = sum(
        Account.objects.filter(kind__in=["escrow", "candidate", "platform_revenue"]).values_list(
            "balance", flat=True
        )
    )
    in_flight = _sum(ProviderOperation.objects.filter(status=OperationStatus.PENDING)) + _sum(
        Payout.objects.filter(status__in=[PayoutStatus.REQUESTED, PayoutStatus.HELD])
    )
    assert at_provider == held + in_flight


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    ops=st.lists(st.tuples(op, failure), min_size=1, max_size=14),
    payer=st.sampled_from(["employer", "candidate"]),
    bps=st.sampled_from([0, 1, 999, 1000, 3333]),
)
def test_random_sequences_keep_the_invariants(
    ops: list[tuple[tuple, str | None]],
    payer: str,
    bps: int,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    run = next(_run)
    settings.STINT_PLATFORM_FEE_PAYER = payer
    settings.STINT_PLATFORM_FEE_BPS = bps
    people = [make_user(f"cand{run}-{i}@example.com", candidate=True) for i in range(2)]
    payout_ready(people[0])  # the other one's payouts are held until a "setup" step
    history: list[tuple[str, dict]] = []
    keys = itertools.count()

    def call(name: str, kwargs: dict) -> None:
        fn = {
            "fund": services.escrow_fund,
            "release": services.escrow_release,
            "refund": services.escrow_refund,
            "split": services.escrow_split,
            "payout": services.payout_request,
            "setup": services.payout_setup_start,
        }[name]
        with django_capture_on_commit_callbacks(execute=True):
            fn(**kwargs)

    for step, fail in ops:
        kind = step[0]
        if fail and kind != "replay":
            sandbox.fail_next(
                {"fund": "charge", "payout": "payout", "setup": "setup"}.get(kind, "refund"), fail
            )
        key = f"r{run}-k{next(keys)}"
        ref = f"engagement:{run}-{step[1]}" if kind not in ("payout", "replay") else ""
        if kind == "fund":
            kwargs = {"ref": ref, "employer_id": 5, "fee": Money(step[2], "USD")}
        elif kind == "release":
            kwargs = {"ref": ref, "candidate_id": people[step[2]].pk}
        elif kind == "refund":
            kwargs = {"ref": ref, "employer_id": 5}
        elif kind == "split":
            left = services.escrow_balance(ref, "USD").amount
            kwargs = {
                "ref": ref,
                "employer_id": 5,
                "candidate_id": people[step[2]].pk,
                "to_candidate": Money(int(left * step[3] * 10_000 // (10_000 + bps)), "USD"),
            }
        elif kind == "setup":
            with contextlib.suppress(DomainError), django_capture_on_commit_callbacks(execute=True):
                services.payout_setup_start(actor=people[step[1]])
            sandbox.clear_failures()
            _check_conservation()
            continue
        elif kind == "payout":
            kwargs = {"actor": people[step[1]], "currency": "USD"}
        else:
            if not history:
                continue
            name, kwargs = history[step[1] % len(history)]
            done = LedgerTransaction.objects.filter(idempotency_key=kwargs["idempotency_key"])
            before = (LedgerTransaction.objects.count(), _balances()) if done.exists() else None
            with contextlib.suppress(DomainError):
                call(name, kwargs)  # the same key again: the first result
            if before is not None:  # it had happened: nothing moves
                assert (LedgerTransaction.objects.count(), _balances()) == before
            _check_conservation()
            continue
        kwargs["idempotency_key"] = key
        history.append((kind, kwargs))  # replayed later, whether it worked or not
        with contextlib.suppress(DomainError):
            call(kind, kwargs)
        sandbox.clear_failures()
        _check_conservation()
    services.retry_pending()
    _check_conservation()
    assert_reconciles()
