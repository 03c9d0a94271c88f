from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from stint.accounts.models import User
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
