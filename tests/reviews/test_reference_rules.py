"""Reference share links: the pure rule (moved with references from growth)."""

from __future__ import annotations

from stint.reviews import rules


def test_reference_links_last_one_to_ninety_days() -> None:
    assert rules.share_days_refusal(1) is None
    assert rules.share_days_refusal(rules.SHARE_DAYS_MAX) is None
    assert rules.share_days_refusal(0) == "A link lasts 1 to 90 days."
    assert rules.share_days_refusal(91) == "A link lasts 1 to 90 days."
