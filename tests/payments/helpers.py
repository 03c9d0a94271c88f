"""Shared checks for the payments tests."""

from __future__ import annotations

from stint.payments.reconcile import reconcile


def assert_reconciles() -> None:
    report = reconcile()
    assert report.ok, "\n".join(report.problems)
