from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from stint.payments.providers import sandbox


@pytest.fixture(autouse=True)
def payment_settings(settings: Any) -> Iterator[None]:
    settings.STINT_PAYMENT_PROVIDER = "sandbox"
    settings.STINT_PLATFORM_FEE_BPS = 1000
    settings.STINT_PLATFORM_FEE_PAYER = "employer"
    settings.STRIPE_WEBHOOK_SECRET = ""
    sandbox.clear_failures()
    yield
    sandbox.clear_failures()
