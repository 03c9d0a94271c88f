"""Auto-approval: work left unreviewed past the deadline is approved, after reminders."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from stint.engagements import rules
from stint.engagements.locks import (
    lock_engagement,
    lock_submission_due,
    lock_submitted_milestones,
)
from stint.engagements.models import (
    Decision,
    Submission,
)
from stint.engagements.services.common import _notify_employer
from stint.engagements.services.work import _approve_and_release, _approve_milestone, _pending

# --- Auto-approval ---------------------------------------------------------------------------


@transaction.atomic
def engagement_auto_approve(*, engagement_id: int, submission_id: int | None = None) -> bool:
    """Approve and release a submission the employer left unanswered for
    STINT_AUTO_APPROVE_DAYS: with milestones, each such milestone submission (or only
    `submission_id`), releasing that milestone's share. Idempotent: False when
    nothing is due."""
    engagement = lock_engagement(engagement_id)
    if engagement is None or engagement.status != rules.SUBMITTED:
        return False
    now = timezone.now()
    days = settings.STINT_AUTO_APPROVE_DAYS
    if not engagement.by_milestone:
        submission = _pending(engagement)
        if submission_id is not None and submission.pk != submission_id:
            return False
        if not rules.is_auto_approval_due(submission.created_at, now, days):
            return False
        _approve_and_release(engagement, submission, side=rules.SYSTEM, by=None, comments="")
        return True
    approved = False
    for milestone in lock_submitted_milestones(engagement):
        submission = _pending(engagement, milestone)
        if submission_id is not None and submission.pk != submission_id:
            continue
        if not rules.is_auto_approval_due(submission.created_at, now, days):
            continue
        _approve_milestone(
            engagement, milestone, submission, side=rules.SYSTEM, by=None, comments=""
        )
        approved = True
    return approved


@transaction.atomic
def submission_remind_if_due(*, submission_id: int) -> bool:
    """Send the employer the next reminder before auto-approval, once each."""
    submission = lock_submission_due(submission_id)
    if submission is None or submission.engagement.status != rules.SUBMITTED:
        return False
    days = settings.STINT_AUTO_APPROVE_DAYS
    due = rules.reminders_due(
        submission.created_at, timezone.now(), days, submission.reminders_sent
    )
    if due <= submission.reminders_sent:
        return False
    submission.reminders_sent = due
    submission.save(update_fields=["reminders_sent"])
    engagement = submission.engagement
    when = rules.auto_approve_at(submission.created_at, days)
    what = engagement.title
    if submission.milestone_id is not None:
        what = f"“{submission.milestone.title}” of {engagement.title}"
    _notify_employer(
        engagement,
        kind="engagement.review_reminder",
        title=f"Review {what} by {when:%d %b %Y %H:%M} UTC",
        body="If you do not approve or request changes by then, the work is approved and "
        "the fee released automatically.",
    )
    return True


def engagements_auto_approve_due() -> dict[str, int]:
    """The scheduled sweep: reminders first, then approvals; each row in its own
    transaction so one failure does not stop the rest."""
    now = timezone.now()
    days = settings.STINT_AUTO_APPROVE_DAYS
    first_reminder = max(rules.REMINDER_DAYS_BEFORE)
    pending = Submission.objects.filter(
        decision=Decision.PENDING, engagement__status=rules.SUBMITTED
    ).values_list("pk", "engagement_id", "created_at")
    reminded = approved = 0
    for pk, engagement_id, created_at in pending:
        if rules.is_auto_approval_due(created_at, now, days):
            approved += engagement_auto_approve(engagement_id=engagement_id, submission_id=pk)
        elif rules.is_auto_approval_due(created_at, now, days - first_reminder):
            reminded += submission_remind_if_due(submission_id=pk)
    return {"reminded": reminded, "approved": approved}
