"""The pure rules: signature, retry schedule, allowed addresses, kinds."""

from __future__ import annotations

import typing
from datetime import timedelta

from stint.events import rules
from stint.events.schemas import EventKind


def test_a_signature_verifies_only_with_the_same_secret_body_and_a_recent_time() -> None:
    header = rules.sign("whsec_a", 1_000_000, b'{"id":1}')
    assert header.startswith("t=1000000,v1=")
    assert rules.verify("whsec_a", header, b'{"id":1}', now=1_000_010)
    assert not rules.verify("whsec_b", header, b'{"id":1}', now=1_000_010)
    assert not rules.verify("whsec_a", header, b'{"id":2}', now=1_000_010)
    # A captured request replayed later fails even though the signature is genuine.
    assert not rules.verify("whsec_a", header, b'{"id":1}', now=1_000_000 + rules.REPLAY_WINDOW + 1)
    assert not rules.verify("whsec_a", "garbage", b'{"id":1}', now=1_000_000)
    assert not rules.verify("whsec_a", "t=soon,v1=00", b'{"id":1}', now=1_000_000)


def test_retries_double_from_a_minute_up_to_a_cap_then_stop() -> None:
    delays = [rules.retry_delay(n) for n in range(1, rules.MAX_ATTEMPTS + 1)]
    assert delays[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert all(d is not None and d <= rules.LAST_RETRY for d in delays[:-1])
    assert delays[-1] is None


def test_production_allows_only_public_addresses_development_also_loopback() -> None:
    assert rules.address_refusal(["93.184.216.34"], production=True) is None
    for private in ("127.0.0.1", "10.0.0.5", "192.168.1.2", "169.254.169.254", "::1", "fd00::1"):
        assert rules.address_refusal([private], production=True), private
    assert rules.address_refusal(["::ffff:10.0.0.1"], production=True)
    assert rules.address_refusal(["127.0.0.1", "::1"], production=False) is None
    assert rules.address_refusal(["10.0.0.5"], production=False)
    # One private address among public ones is enough to refuse.
    assert rules.address_refusal(["93.184.216.34", "10.0.0.5"], production=True)
    assert rules.address_refusal([], production=False)


def test_the_schema_lists_exactly_the_kinds() -> None:
    assert typing.get_args(EventKind) == rules.KINDS
