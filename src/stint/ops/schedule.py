"""The periodic jobs: one registry, read by `manage.py scheduler`.

Each job names its task by dotted path (imported only when due, so this module
imports no app) and how often it runs. A period starts at a whole multiple of
`every` seconds since the Unix epoch (UTC), so every scheduler agrees on it.
Tasks listed here take no arguments and are idempotent sweeps; a job whose task
does not exist (yet) is skipped with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.utils.module_loading import import_string

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # dotted path of a django_tasks Task
    every: int  # seconds
    description: str = ""

    def period_start(self, now: datetime) -> datetime:
        ts = int(now.timestamp())
        return datetime.fromtimestamp(ts - ts % self.every, tz=UTC)

    def resolve(self) -> Any:
        return import_string(self.task)


JOBS: tuple[Job, ...] = (
    Job(
        "engagements.auto_approve",
        "stint.engagements.tasks.auto_approve_due",
        HOUR,
        "Remind employers of waiting submissions; approve and pay those left unanswered.",
    ),
    Job(
        "engagements.fund_pending",
        "stint.engagements.tasks.fund_pending",
        15 * MINUTE,
        "Retry funding escrow for engagements whose first attempt failed.",
    ),
    Job(
        "applications.expire_offers",
        "stint.applications.tasks.expire_offers",
        HOUR,
        "Offers past their deadline become offer_expired.",
    ),
    Job(
        "applications.auto_decline",
        "stint.applications.tasks.auto_decline_stale",
        HOUR,
        "No ghosting: decline applications left unanswered too long.",
    ),
    Job(
        "opportunities.saved_search_digest",
        "stint.opportunities.tasks.notify_saved_searches",
        HOUR,
        "One notification per saved search with new matches.",
    ),
    Job(
        "events.retry_webhooks",
        "stint.events.tasks.deliveries_retry_due",
        5 * MINUTE,
        "Send webhook deliveries whose retry (exponential backoff) is due.",
    ),
    Job(
        "payments.retry_pending",
        "stint.payments.tasks.retry_pending_operations",
        15 * MINUTE,
        "Retry payouts and refunds left pending by an unreachable provider.",
    ),
    Job(
        "programs.credit_refresh",
        "stint.programs.tasks.refresh_credit_records",
        6 * HOUR,
        "Credit records for placed students whose engagement is paid.",
    ),
    Job(
        "matching.snapshot",
        "stint.ops.tasks.matching_snapshot",
        15 * MINUTE,
        "Bring the worker's matching indexes up to date and write a snapshot for new processes.",
    ),
    Job(
        "ops.requeue_stale_tasks",
        "stint.ops.tasks.requeue_stale_tasks",
        5 * MINUTE,
        "Re-enqueue database tasks left RUNNING by a worker that died.",
    ),
    Job(
        "matching.prune_changes",
        "stint.matching.tasks.prune_changes",
        DAY,
        "Delete matching change-log rows older than OPS_INDEX_CHANGE_DAYS (idle processes rebuild).",
    ),
    Job(
        "events.prune",
        "stint.events.tasks.events_prune",
        DAY,
        "Delete events and webhook deliveries older than STINT_EVENT_RETENTION_DAYS.",
    ),
    Job(
        "api.prune_idempotency_keys",
        "stint.api.tasks.prune_idempotency_keys",
        DAY,
        "Forget API Idempotency-Keys older than a day.",
    ),
    Job(
        "oauth.clear_expired_tokens",
        "stint.oauth.tasks.clear_expired_tokens",
        DAY,
        "Delete expired OAuth tokens and codes (REFRESH_TOKEN_EXPIRE_SECONDS after expiry).",
    ),
    Job(
        "ops.prune",
        "stint.ops.tasks.prune_history",
        DAY,
        "Delete finished task results and scheduler claims older than OPS_HISTORY_DAYS.",
    ),
    Job(
        "lti.send_grades",
        "stint.lti.tasks.grades_send_due",
        15 * MINUTE,
        "Send paid engagements' grades to linked courses (again after a re-review).",
    ),
    Job(
        "lti.prune_launch_values",
        "stint.lti.tasks.launch_values_prune",
        HOUR,
        "Delete expired LTI login state and nonces.",
    ),
    Job(
        "privacy.purge",
        "stint.privacy.tasks.purge_expired",
        DAY,
        "Retention purge: delete what is past its STINT_RETENTION_DAYS_* (SECURITY.md).",
    ),
    Job(
        "sessions.clear_expired",
        "stint.ops.tasks.clear_expired_sessions",
        DAY,
        "Delete expired sessions (what `manage.py clearsessions` does).",
    ),
)


def job_named(name: str) -> Job:
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(name)
