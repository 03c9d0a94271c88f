"""Doing the work: starting, submitting, and the employer approving (which releases money) or asking for changes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError
from stint.core.money import Money
from stint.engagements import rules
from stint.engagements.locks import (
    lock_pending_submission,
)
from stint.engagements.models import (
    Decision,
    Engagement,
    ItemKind,
    Milestone,
    MilestoneStatus,
    ProposalStatus,
    SplitProposal,
    Submission,
    SubmissionItem,
)
from stint.engagements.services.common import (
    _check,
    _clean_text,
    _fee,
    _follow_milestones,
    _locked,
    _milestone_for,
    _move,
    _notify_candidate,
    _notify_employer,
    _released,
)
from stint.engagements.services.opening import _require_funded
from stint.events import services as events
from stint.payments import services as payments

# --- Doing the work ----------------------------------------------------------------------------


@transaction.atomic
def engagement_start(*, actor: User, engagement_id: int) -> Engagement:
    engagement, side = _locked(actor, engagement_id)
    _check(engagement, rules.START, side)
    _require_funded(engagement)
    _move(engagement, rules.START, side)
    engagement.started_at = engagement.updated_at
    # Milestones are fixed from now on; with them, the work is paid milestone by milestone.
    engagement.by_milestone = engagement.milestones.exists()
    engagement.save(update_fields=["status", "started_at", "by_milestone", "updated_at"])
    _notify_employer(
        engagement,
        kind="engagement.started",
        title=f"{actor.display_name} started {engagement.title}",
    )
    return engagement


@transaction.atomic
def submission_create(
    *,
    actor: User,
    engagement_id: int,
    text: str = "",
    links: Sequence[str] = (),
    files: Sequence[UploadedFile] = (),
    milestone_id: int | None = None,
) -> Submission:
    """The candidate hands in the deliverables (text, links, files): a new version,
    of the whole work or, when the engagement has milestones, of one milestone."""
    engagement, side = _locked(actor, engagement_id)
    milestone = _milestone_for(engagement, milestone_id, rules.SUBMIT, side)
    text = _clean_text(text, field="text", max_len=rules.MAX_TEXT)
    links = [link.strip() for link in links if link and link.strip()]
    if not text and not links and not files:
        raise DomainError(
            "empty_submission", "Add a description, a link or a file to submit.", "text"
        )
    if len(links) > rules.MAX_LINKS:
        raise DomainError("too_many_links", f"Add at most {rules.MAX_LINKS} links.", "links")
    for link in links:
        problem = rules.link_refusal(link)
        if problem:
            raise DomainError("bad_link", problem, "links")
    if len(files) > rules.MAX_FILES:
        raise DomainError("too_many_files", f"Upload at most {rules.MAX_FILES} files.", "files")
    names = []
    for f in files:
        name = PurePath(f.name or "file").name[:200]
        problem = rules.file_refusal(name, f.size or 0, settings.STINT_ATTACHMENT_MAX_BYTES)
        if problem:
            raise DomainError("bad_file", f"{name}: {problem}", "files")
        names.append(name)
    if milestone is None:
        _move(engagement, rules.SUBMIT, side)
        versions = engagement.submissions.filter(milestone__isnull=True)
    else:
        milestone.status = MilestoneStatus.SUBMITTED
        milestone.submitted_at = timezone.now()
        milestone.save(update_fields=["status", "submitted_at"])
        _follow_milestones(engagement)
        versions = milestone.submissions.all()
    version = (versions.aggregate(v=Max("version"))["v"] or 0) + 1
    submission = Submission.objects.create(
        engagement=engagement,
        milestone=milestone,
        version=version,
        submitted_by=actor,
        text=text,
        created_at=engagement.updated_at,
    )
    for link in links:
        SubmissionItem.objects.create(submission=submission, kind=ItemKind.LINK, url=link)
    for f, name in zip(files, names, strict=True):
        item = SubmissionItem(submission=submission, kind=ItemKind.FILE, name=name, size=f.size)
        # Stored under an unguessable name; served only through an access-checked view.
        item.file.save(f"{uuid.uuid4().hex}{PurePath(name).suffix.lower()}", f, save=False)
        item.save()
    engagement.submitted_at = engagement.updated_at
    engagement.save(update_fields=["status", "submitted_at", "updated_at"])
    what = engagement.title if milestone is None else f"“{milestone.title}” of {engagement.title}"
    _notify_employer(
        engagement,
        kind="engagement.submitted",
        title=f"{actor.display_name} submitted {what} (version {version})",
        body=f"Review it within {settings.STINT_AUTO_APPROVE_DAYS} days; after that it is "
        "approved and paid automatically.",
        exclude=actor,
    )
    events.record(
        "engagement.submitted",
        organisation=engagement.employer_id,
        users=[engagement.candidate_id],
        resource=engagement,
        data={
            "engagement_id": engagement.pk,
            "offer_id": engagement.offer_id,
            "submission_id": submission.pk,
        },
    )
    return submission


def _pending(engagement: Engagement, milestone: Milestone | None = None) -> Submission:
    submission = lock_pending_submission(engagement, milestone)
    if submission is None:  # the status says submitted, so this would be a bug
        raise ConflictError("nothing_to_review", "There is no submission waiting for review.")
    return submission


def _approve_and_release(
    engagement: Engagement, submission: Submission, *, side: str, by: User | None, comments: str
) -> None:
    now = timezone.now()
    action = rules.AUTO_APPROVE if side == rules.SYSTEM else rules.APPROVE
    _move(engagement, action, side)
    engagement.approved_at = now
    submission.decision = Decision.AUTO_APPROVED if side == rules.SYSTEM else Decision.APPROVED
    submission.decided_by = by
    submission.decided_at = now
    submission.comments = comments
    submission.save(update_fields=["decision", "decided_by", "decided_at", "comments"])
    payments.escrow_release(
        ref=engagement.ledger_ref,
        candidate_id=engagement.candidate_id,
        idempotency_key=f"release:{engagement.pk}",
    )
    _move(engagement, rules.RELEASE, rules.SYSTEM if side == rules.SYSTEM else side)
    engagement.paid_at = now
    engagement.released_minor = engagement.fee_minor
    engagement.auto_approved = side == rules.SYSTEM
    engagement.save(
        update_fields=[
            "status",
            "approved_at",
            "paid_at",
            "released_minor",
            "auto_approved",
            "updated_at",
        ]
    )
    events.record(
        "engagement.approved",
        organisation=engagement.employer_id,
        users=[engagement.candidate_id],
        resource=engagement,
        data={"engagement_id": engagement.pk, "offer_id": engagement.offer_id},
    )
    events.record(
        "engagement.paid",
        organisation=engagement.employer_id,
        users=[engagement.candidate_id],
        resource=engagement,
        data={"engagement_id": engagement.pk, "offer_id": engagement.offer_id},
    )
    how = "automatically, after no answer" if side == rules.SYSTEM else "by the employer"
    _notify_candidate(
        engagement,
        kind="engagement.paid",
        title=f"{engagement.title} is approved and {_fee(engagement).format()} is released",
        body=f"Approved {how}. Thank you for the good work.",
    )
    _notify_employer(
        engagement,
        kind="engagement.paid",
        title=f"{engagement.title} is approved and paid",
        body=f"Approved {how}. Leave a review for {engagement.candidate.display_name}.",
        exclude=by,
    )


def _approve_milestone(
    engagement: Engagement,
    milestone: Milestone,
    submission: Submission,
    *,
    side: str,
    by: User | None,
    comments: str,
) -> None:
    """Approve one milestone and release exactly its share from escrow (key
    `release:<id>:m<milestone id>`); the last one approves and pays the engagement."""
    now = timezone.now()
    action = rules.AUTO_APPROVE if side == rules.SYSTEM else rules.APPROVE
    submission.decision = Decision.AUTO_APPROVED if side == rules.SYSTEM else Decision.APPROVED
    submission.decided_by = by
    submission.decided_at = now
    submission.comments = comments
    submission.save(update_fields=["decision", "decided_by", "decided_at", "comments"])
    share = Money(milestone.amount_minor, engagement.currency)
    payments.escrow_release(
        ref=engagement.ledger_ref,
        candidate_id=engagement.candidate_id,
        idempotency_key=f"release:{engagement.pk}:m{milestone.pk}",
        fee_part=share,
    )
    target = rules.milestone_target_of(milestone.status, action)
    assert target == MilestoneStatus.APPROVED, target
    milestone.status = target
    milestone.approved_at = milestone.released_at = now
    milestone.auto_approved = side == rules.SYSTEM
    milestone.save(update_fields=["status", "approved_at", "released_at", "auto_approved"])
    # The escrow changed under any pending proposal to end early: it no longer stands.
    SplitProposal.objects.filter(engagement=engagement, status=ProposalStatus.PENDING).update(
        status=ProposalStatus.WITHDRAWN, decided_at=now
    )
    statuses = list(engagement.milestones.values_list("status", flat=True))
    last = rules.status_from_milestones(statuses) == rules.APPROVED
    fields = ["status", "updated_at"]
    if last:
        _move(engagement, action, side)
        _move(engagement, rules.RELEASE, side)
        engagement.approved_at = engagement.paid_at = now
        engagement.released_minor = engagement.fee_minor
        engagement.auto_approved = side == rules.SYSTEM
        fields += ["approved_at", "paid_at", "released_minor", "auto_approved"]
    else:
        # What has left escrow so far, for lists that show only the engagement.
        engagement.released_minor = _released(engagement)
        fields.append("released_minor")
        _follow_milestones(engagement)
    engagement.save(update_fields=fields)
    for kind in ("engagement.approved", "engagement.paid") if last else ():
        events.record(
            kind,
            organisation=engagement.employer_id,
            users=[engagement.candidate_id],
            resource=engagement,
            data={"engagement_id": engagement.pk, "offer_id": engagement.offer_id},
        )
    how = "automatically, after no answer" if side == rules.SYSTEM else "by the employer"
    done = f" That was the last one: {engagement.title} is complete." if last else ""
    _notify_candidate(
        engagement,
        kind="engagement.paid",
        title=f"“{milestone.title}” of {engagement.title} is approved and "
        f"{share.format()} is released",
        body=f"Approved {how}.{done}",
    )
    _notify_employer(
        engagement,
        kind="engagement.paid",
        title=f"“{milestone.title}” of {engagement.title} is approved and paid",
        body=f"Approved {how}.{done}"
        + (f" Leave a review for {engagement.candidate.display_name}." if last else ""),
        exclude=by,
    )


@transaction.atomic
def submission_approve(
    *, actor: User, engagement_id: int, comments: str = "", milestone_id: int | None = None
) -> Engagement:
    """The employer approves the latest submission; escrow is released to the
    candidate at once (approved_at and paid_at are both recorded). With milestones,
    the milestone's submission is approved and only its share released."""
    engagement, side = _locked(actor, engagement_id)
    milestone = _milestone_for(engagement, milestone_id, rules.APPROVE, side)
    comments = _clean_text(comments, field="comments", max_len=5000)
    submission = _pending(engagement, milestone)
    if milestone is None:
        _approve_and_release(engagement, submission, side=side, by=actor, comments=comments)
    else:
        _approve_milestone(
            engagement, milestone, submission, side=side, by=actor, comments=comments
        )
    return engagement


@transaction.atomic
def submission_request_changes(
    *, actor: User, engagement_id: int, comments: str, milestone_id: int | None = None
) -> Submission:
    """The employer asks for changes, with comments, up to STINT_MAX_CHANGE_ROUNDS
    times (per milestone when the engagement has milestones)."""
    engagement, side = _locked(actor, engagement_id)
    milestone = _milestone_for(engagement, milestone_id, rules.REQUEST_CHANGES, side)
    comments = _clean_text(
        comments, field="comments", max_len=5000, required="Say what should change."
    )
    rounds = engagement.change_rounds if milestone is None else milestone.change_rounds
    problem = rules.change_round_refusal(rounds, settings.STINT_MAX_CHANGE_ROUNDS)
    if problem:
        raise ConflictError("too_many_rounds", problem, "comments")
    submission = _pending(engagement, milestone)
    if milestone is None:
        _move(engagement, rules.REQUEST_CHANGES, side)
        engagement.change_rounds += 1
        engagement.save(update_fields=["status", "change_rounds", "updated_at"])
    else:
        milestone.status = MilestoneStatus.CHANGES_REQUESTED
        milestone.change_rounds += 1
        milestone.save(update_fields=["status", "change_rounds"])
        _follow_milestones(engagement)
        engagement.save(update_fields=["status", "updated_at"])
    submission.decision = Decision.CHANGES_REQUESTED
    submission.decided_by = actor
    submission.decided_at = engagement.updated_at
    submission.comments = comments
    submission.save(update_fields=["decision", "decided_by", "decided_at", "comments"])
    what = engagement.title if milestone is None else f"“{milestone.title}” of {engagement.title}"
    _notify_candidate(
        engagement,
        kind="engagement.changes_requested",
        title=f"Changes requested on {what}",
        body=comments[:500],
    )
    return submission
