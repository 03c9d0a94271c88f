"""Writes for engagements: opening one from an accepted offer (escrow funded),
starting, submitting, reviewing, paying, cancelling, partial payments, disputes,
auto-approval and the candidate's hours.

Money moves only through `stint.payments.services`, with one idempotency key per
movement and engagement (`fund:<id>`, `release:<id>`, `release:<id>:m<milestone id>`,
`refund:<id>`, `settle:<proposal id>`, `split:<dispute id>`), so a retry never moves
it twice.

Row locks are taken only through `stint.engagements.locks`, which states their one
order (engagement → milestone → submission → split proposal → dispute → ledger).
Every status change goes through `common._move`, which checks `rules.TRANSITIONS`; with
milestones, submit / request changes / approve move the milestone by
`rules.MILESTONE_TRANSITIONS` and the engagement follows (`_follow_milestones`).
"""

from __future__ import annotations

from stint.engagements.services.auto_approval import (
    engagement_auto_approve,
    engagements_auto_approve_due,
    submission_remind_if_due,
)
from stint.engagements.services.disputes import dispute_open, dispute_resolve, dispute_respond
from stint.engagements.services.hours import timelog_add
from stint.engagements.services.leaving import (
    engagement_cancel,
    split_accept,
    split_decline,
    split_propose,
)
from stint.engagements.services.opening import (
    MilestoneIn,
    engagement_fund,
    engagement_open_from_offer,
    engagements_fund_pending,
    milestones_set,
)
from stint.engagements.services.work import (
    engagement_start,
    submission_approve,
    submission_create,
    submission_request_changes,
)

__all__ = [
    "MilestoneIn",
    "dispute_open",
    "dispute_resolve",
    "dispute_respond",
    "engagement_auto_approve",
    "engagement_cancel",
    "engagement_fund",
    "engagement_open_from_offer",
    "engagement_start",
    "engagements_auto_approve_due",
    "engagements_fund_pending",
    "milestones_set",
    "split_accept",
    "split_decline",
    "split_propose",
    "submission_approve",
    "submission_create",
    "submission_remind_if_due",
    "submission_request_changes",
    "timelog_add",
]
