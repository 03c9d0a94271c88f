from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from stint.accounts.models import User
from stint.core.money import Money
from stint.orgs.models import Organisation
from stint.payments import services
from stint.payments.models import LedgerTransaction
from stint.payments.providers import sandbox
from tests.payments.helpers import payout_ready


@pytest.fixture(autouse=True)
def payment_settings(settings: Any) -> Iterator[None]:
    settings.STINT_PAYMENT_PROVIDER = "sandbox"
    settings.STINT_PLATFORM_FEE_BPS = 1000
    settings.STINT_PLATFORM_FEE_PAYER = "employer"
    settings.STRIPE_WEBHOOK_SECRET = ""
    sandbox.clear_failures()
    yield
    sandbox.clear_failures()


@pytest.fixture
def alice(alice: User) -> User:
    """In these tests Alice has finished her payout setup (the sandbox's is immediate),
    so her payouts are sent; tests of held payouts use a candidate who has not."""
    payout_ready(alice)
    return alice


@pytest.fixture
def world(acme: Organisation, alice: User) -> dict[str, LedgerTransaction]:
    """One funded and released engagement: a receipt for Acme, an earning for Alice."""
    fund = services.escrow_fund(
        ref="engagement:1", employer_id=acme.pk, fee=Money(10_000, "USD"), idempotency_key="f"
    )
    release = services.escrow_release(
        ref="engagement:1", candidate_id=alice.pk, idempotency_key="r"
    )
    return {"fund": fund, "release": release}
