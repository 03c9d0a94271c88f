"""Writes for trust and safety: employer verification, reports and their moderation actions, and
admin decisions on held postings. Every privileged action calls `audit.record` in its own
transaction.

By area: `verification` (an employer asks to be verified, a platform admin approves or refuses),
`reports` (anyone reports a posting, a profile or a message; an admin resolves it, warning or
suspending its owner), `held_postings` (an admin's decision on a posting the screen held).
Callers import this package; the names below are its public services."""

from __future__ import annotations

from stint.moderation.services.held_postings import posting_review_approve, posting_review_refuse
from stint.moderation.services.reports import (
    report_create,
    report_resolve,
    target_owner,
    user_set_active,
)
from stint.moderation.services.verification import (
    Upload,
    domain_email_for,
    verification_approve,
    verification_document_open,
    verification_refuse,
    verification_request,
)

__all__ = [
    "Upload",
    "domain_email_for",
    "posting_review_approve",
    "posting_review_refuse",
    "report_create",
    "report_resolve",
    "target_owner",
    "user_set_active",
    "verification_approve",
    "verification_document_open",
    "verification_refuse",
    "verification_request",
]
