"""Pure rules of privacy: which fields never leave in an export, how an
anonymised account looks, and when a retained record expires."""

from __future__ import annotations

from datetime import datetime, timedelta

# Secrets and internal keys never exported, by model label → field names.
NEVER_EXPORTED: dict[str, frozenset[str]] = {
    "accounts.User": frozenset({"password"}),
    "accounts.ApiToken": frozenset({"key_hash"}),
    "orgs.Invitation": frozenset({"nonce"}),
}
# Models never exported: security records and the export itself.
SKIPPED_MODELS = frozenset({"audit.AuditEntry", "privacy.DataExport", "sessions.Session"})

DELETED_NAME = "Deleted user"


def deleted_email(user_id: int) -> str:
    """A unique, undeliverable address (RFC 2606 `.invalid`) for an erased account."""
    return f"deleted-{user_id}@deleted.invalid"


def expired(at: datetime | None, now: datetime, days: int) -> bool:
    return at is not None and at <= now - timedelta(days=days)


def max_exports_today_reached(count_today: int, limit: int = 3) -> bool:
    return count_today >= limit
