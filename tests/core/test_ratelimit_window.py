"""The rate-limit window opens at a person's first attempt, so a burst that
crosses a multiple of the clock is still counted as one (the old clock-aligned
buckets let a burst straddling a boundary through, and made tests flaky)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from stint.core import ratelimit
from stint.core.errors import RateLimited


class _User:
    is_authenticated = True

    def __init__(self, pk: int) -> None:
        self.pk = pk


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [599.0]  # one second before a multiple of the 600-second window
    monkeypatch.setattr(ratelimit.time, "time", lambda: now[0])
    cache.clear()
    return now


def test_a_burst_across_a_clock_boundary_counts_in_one_window(
    clock: list[float], settings: Any
) -> None:
    settings.STINT_RATE_LIMIT_MESSAGE = "3/600"
    user = _User(1)
    ratelimit.hit("message_send", user)
    clock[0] = 601.0  # past 600: a clock-aligned bucket would start again here
    ratelimit.hit("message_send", user)
    ratelimit.hit("message_send", user)
    with pytest.raises(RateLimited) as refused:
        ratelimit.hit("message_send", user)
    assert refused.value.retry_after == 599 + 600 - 601  # the window ends 600 s after it opened
    quota = ratelimit.last_quota()
    assert quota is not None and quota.remaining == 0


def test_a_new_window_opens_once_the_old_one_has_passed(clock: list[float], settings: Any) -> None:
    settings.STINT_RATE_LIMIT_MESSAGE = "1/600"
    user, other = _User(1), _User(2)
    ratelimit.hit("message_send", user)
    with pytest.raises(RateLimited):
        ratelimit.hit("message_send", user)
    ratelimit.hit("message_send", other)  # one count per person
    cache.delete("stint:rl:message_send:u1:start")  # what the cache's expiry does after 600 s
    clock[0] = 1300.0
    ratelimit.hit("message_send", user)
    quota = ratelimit.last_quota()
    assert quota is not None and quota.remaining == 0 and quota.reset == 600
