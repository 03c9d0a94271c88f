"""Shared checks for the payments tests."""

from __future__ import annotations

from stint.accounts.models import User
from stint.payments.models import ProviderAccount
from stint.payments.reconcile import reconcile


def assert_reconciles() -> None:
    report = reconcile()
    assert report.ok, "\n".join(report.problems)


def payout_ready(user: User, provider: str = "sandbox", external_id: str = "") -> ProviderAccount:
    """The user has finished payout setup with `provider` (as onboarding would leave it)."""
    account, _ = ProviderAccount.objects.update_or_create(
        provider=provider,
        owner_kind="candidate",
        owner_id=user.pk,
        defaults={"external_id": external_id or f"sb_acct_{user.pk}", "status": "ready"},
    )
    return account
