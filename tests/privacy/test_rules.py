"""Privacy's pure rules: erased addresses, retention expiry, the export limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from stint.privacy import rules

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def test_an_erased_account_gets_a_unique_undeliverable_address() -> None:
    assert rules.deleted_email(41) == "deleted-41@deleted.invalid"
    assert rules.deleted_email(41) != rules.deleted_email(42)


def test_a_record_expires_on_the_last_day_of_retention_not_before() -> None:
    assert rules.expired(NOW - timedelta(days=30), NOW, 30)
    assert not rules.expired(NOW - timedelta(days=29, hours=23), NOW, 30)
    assert not rules.expired(None, NOW, 30)  # never set: nothing to expire


def test_three_exports_a_day_by_default() -> None:
    assert not rules.max_exports_today_reached(2)
    assert rules.max_exports_today_reached(3)
    assert rules.max_exports_today_reached(1, limit=1)


def test_secrets_never_leave_in_an_export() -> None:
    assert "password" in rules.NEVER_EXPORTED["accounts.User"]
    assert "privacy.DataExport" in rules.SKIPPED_MODELS
