"""Issue 14 item 15: statements read "engagement 2", not the ledger's "engagement:2"."""

from __future__ import annotations

from stint.payments.selectors import memo_words


def test_ledger_references_read_as_words() -> None:
    assert memo_words("Escrow released in part for engagement:2") == (
        "Escrow released in part for engagement 2"
    )
    assert memo_words("Escrow released for engagement:12:m5") == (
        "Escrow released for engagement 12, milestone 5"
    )
    assert memo_words("Payout requested") == "Payout requested"
