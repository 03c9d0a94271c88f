"""Writes for engagements: opening one from an accepted offer (escrow funded),
starting, submitting, reviewing, paying, cancelling, partial payments, disputes,
auto-approval and the candidate's hours.

Money moves only through `stint.payments.services`, with one idempotency key per
movement and engagement (`fund:<id>`, `release:<id>`, `release:<id>:m<milestone id>`,
`refund:<id>`, `settle:<proposal id>`, `split:<dispute id>`), so a retry never moves
it twice.

Row locks are taken only through `stint.engagements.locks`, which states their one
order (engagement → milestone → submission → split proposal → dispute → ledger).
Every status change goes through `_move`, which checks `rules.TRANSITIONS`; with
milestones, submit / request changes / approve move the milestone by
`rules.MILESTONE_TRANSITIONS` and the engagement follows (`_follow_milestones`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from stint.accounts.models import User
from stint.applications.models import OfferStatus
from stint.audit import services as audit
from stint.core import jobs
from stint.core.errors import ConflictError, DomainError, Forbidden, NotFound
from stint.core.money import Money
from stint.engagements import rules
from stint.engagements.locks import (
    lock_dispute,
    lock_engagement,
    lock_milestone,
    lock_offer,
    lock_pending_submission,
    lock_split_proposal,
    lock_submission_due,
    lock_submitted_milestones,
)
from stint.engagements.models import (
    Decision,
    Dispute,
    DisputeStatus,
    Engagement,
    ItemKind,
    Milestone,
    MilestoneStatus,
    ProposalStatus,
    SplitProposal,
    Submission,
    SubmissionItem,
    TimeLog,
)
from stint.engagements.selectors import access_engagement
from stint.events import services as events
from stint.notifications.services import notify
from stint.orgs.models import Membership
from stint.payments import services as payments

# --- Helpers ---------------------------------------------------------------------------------


def _url(engagement: Engagement) -> str:
    return reverse("engagement_detail", args=[engagement.pk])


def _fee(engagement: Engagement) -> Money:
    return Money(engagement.fee_minor, engagement.currency)


def _employer_members(engagement: Engagement, *, exclude: User | None = None) -> list[User]:
    members = Membership.objects.filter(organisation_id=engagement.employer_id).select_related(
        "user"
    )
    return [
        m.user for m in members if m.user.is_active and (exclude is None or m.user_id != exclude.pk)
    ]


def _notify_employer(
    engagement: Engagement, *, kind: str, title: str, body: str = "", exclude: User | None = None
) -> None:
    for user in _employer_members(engagement, exclude=exclude):
        notify(user=user, kind=kind, title=title, body=body, url=_url(engagement))


def _notify_candidate(engagement: Engagement, *, kind: str, title: str, body: str = "") -> None:
    notify(user=engagement.candidate, kind=kind, title=title, body=body, url=_url(engagement))


def _notify_other_side(
    engagement: Engagement, side: str, actor: User, *, kind: str, title: str, body: str = ""
) -> None:
    if side == rules.CANDIDATE:
        _notify_employer(engagement, kind=kind, title=title, body=body, exclude=actor)
    else:
        _notify_candidate(engagement, kind=kind, title=title, body=body)


def _check_side(engagement: Engagement, action: str, side: str) -> None:
    """Forbidden when this side never does `action`."""
    sides = {
        s for (_, a), (_, allowed) in rules.TRANSITIONS.items() if a == action for s in allowed
    }
    if side not in sides:
        raise Forbidden(rules.refusal(engagement.status, action, side) or "Not allowed.")


def _check(engagement: Engagement, action: str, side: str) -> None:
    """Forbidden when this side never does `action`; ConflictError when the
    current status does not allow it."""
    _check_side(engagement, action, side)
    refusal = rules.refusal(engagement.status, action, side)
    if refusal is not None:
        raise ConflictError("bad_transition", refusal)


def _check_milestone(engagement: Engagement, milestone: Milestone, action: str, side: str) -> None:
    """The milestone twin of `_check` (the caller has checked the side)."""
    refusal = rules.milestone_refusal(engagement.status, milestone.status, action, side)
    if refusal is not None:
        raise ConflictError("bad_transition", refusal, "milestone_id")


def _milestone_for(
    engagement: Engagement, milestone_id: int | None, action: str, side: str
) -> Milestone | None:
    """Check `action` (submit / request changes / approve) and return the locked
    milestone it is about: None for an engagement paid as a whole (which refuses a
    `milestone_id`), the milestone when it is paid by milestone (which needs one)."""
    _check_side(engagement, action, side)
    if not engagement.by_milestone:
        _check(engagement, action, side)
        if milestone_id is not None:
            raise DomainError(
                "no_milestones", "This engagement is not paid by milestone.", "milestone_id"
            )
        return None
    if milestone_id is None:
        raise DomainError(
            "milestone_required",
            "This engagement is paid milestone by milestone: choose the milestone.",
            "milestone_id",
        )
    milestone = None
    if isinstance(milestone_id, int) and 0 < milestone_id < 2**31:
        milestone = lock_milestone(engagement, milestone_id)
    if milestone is None:
        raise DomainError(
            "no_such_milestone", "This engagement has no such milestone.", "milestone_id"
        )
    _check_milestone(engagement, milestone, action, side)
    return milestone


def _released(engagement: Engagement) -> int:
    """How much of the fee approved milestones have already released from escrow."""
    if not engagement.by_milestone:
        return 0
    return sum(
        engagement.milestones.filter(status=MilestoneStatus.APPROVED).values_list(
            "amount_minor", flat=True
        )
    )


def _follow_milestones(engagement: Engagement) -> None:
    """With milestones, the engagement's status follows them while the work is under
    way (the last approval goes through `_move` instead, see `_approve_milestone`)."""
    target = rules.status_from_milestones(
        list(engagement.milestones.values_list("status", flat=True))
    )
    assert target in rules.WORKING, target
    engagement.status = target
    engagement.updated_at = timezone.now()


def _reopen_milestones(engagement: Engagement) -> None:
    """The work stopped (a split or a dispute closed the pending submissions): no
    milestone waits for review any more."""
    engagement.milestones.filter(status=MilestoneStatus.SUBMITTED).update(
        status=MilestoneStatus.PENDING
    )


def _move(engagement: Engagement, action: str, side: str) -> None:
    """Change the status in memory after checking the transition table."""
    _check(engagement, action, side)
    target = rules.target_of(engagement.status, action)
    assert target is not None
    engagement.status = target
    engagement.updated_at = timezone.now()


def _locked(actor: User, engagement_id: int, side: str | None = None) -> tuple[Engagement, str]:
    return access_engagement(actor=actor, engagement_id=engagement_id, for_update=True, side=side)


def _clean_text(value: str, *, field: str, max_len: int, required: str | None = None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(f"{field}_required", required, field)
    if len(value) > max_len:
        raise DomainError(f"{field}_too_long", f"Keep it under {max_len} characters.", field)
    return value


# --- Opening: an accepted offer becomes a funded engagement ------------------------------------


def engagement_open_from_offer(*, offer_id: int) -> Engagement | None:
    """Open the engagement of an accepted offer (a snapshot of its terms) and fund
    escrow. Idempotent: the offer's OneToOne holds one engagement, and the funding
    key `fund:<engagement id>` charges once. None if the offer is not accepted.

    Two steps on purpose: the engagement row commits first, so the funding key is
    stable across retries even if the charge or what follows fails."""
    engagement = _engagement_create(offer_id=offer_id)
    if engagement is None:
        return None
    return engagement_fund(engagement_id=engagement.pk)


@transaction.atomic
def _engagement_create(*, offer_id: int) -> Engagement | None:
    offer = lock_offer(offer_id)
    if offer is None or offer.status != OfferStatus.ACCEPTED:
        return None
    engagement = Engagement.objects.filter(offer=offer).first()
    if engagement is not None:
        return engagement
    application = offer.application
    opportunity = application.opportunity
    now = timezone.now()
    try:
        with transaction.atomic():
            return Engagement.objects.create(
                application=application,
                offer=offer,
                opportunity=opportunity,
                candidate=application.candidate,
                employer_id=opportunity.employer_id,
                status=rules.FUNDED,
                title=opportunity.title[:140],
                scope=offer.scope,
                deliverables=opportunity.deliverables,
                fee_minor=offer.fee_minor,
                currency=offer.currency,
                start_date=offer.start_date,
                due_date=offer.due_date,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:
        return Engagement.objects.filter(offer=offer).first()


def engagement_fund(*, engagement_id: int) -> Engagement:
    """Charge the employer into escrow (the payments service talks to the provider
    outside our transaction), then record it and tell both sides, once."""
    engagement = Engagement.objects.get(pk=engagement_id)
    if engagement.funded_at is not None or engagement.status != rules.FUNDED:
        return engagement
    payments.escrow_fund(
        ref=engagement.ledger_ref,
        employer_id=engagement.employer_id,
        fee=_fee(engagement),
        idempotency_key=f"fund:{engagement.pk}",
    )
    with transaction.atomic():
        engagement = lock_engagement(engagement_id)
        if engagement is None:  # read above: only a deletion since could get here
            raise Engagement.DoesNotExist(engagement_id)
        if engagement.funded_at is not None:
            return engagement
        engagement.funded_at = timezone.now()
        engagement.save(update_fields=["funded_at"])
        fee = _fee(engagement).format()
        _notify_candidate(
            engagement,
            kind="engagement.funded",
            title=f"{engagement.title}: {fee} is in escrow",
            body="The fee is held safely until the work is approved. Start when you are ready.",
        )
        _notify_employer(
            engagement,
            kind="engagement.funded",
            title=f"{engagement.title}: escrow funded with {fee}",
            body=f"{engagement.candidate.display_name} can start the work now.",
        )
        events.record(
            "engagement.funded",
            organisation=engagement.employer_id,
            users=[engagement.candidate_id],
            resource=engagement,
            data={"engagement_id": engagement.pk, "offer_id": engagement.offer_id},
        )
    return engagement


def engagements_fund_pending() -> int:
    """The safety net: fund engagements whose funding failed or was interrupted."""
    funded = 0
    for pk in Engagement.objects.filter(status=rules.FUNDED, funded_at__isnull=True).values_list(
        "pk", flat=True
    ):
        with jobs.each_row("engagements.fund_pending", pk):
            try:
                funded += engagement_fund(engagement_id=pk).funded_at is not None
            except DomainError:
                continue  # declined or provider down: the next sweep tries again
    return funded


def _require_funded(engagement: Engagement) -> None:
    if engagement.funded_at is None:
        raise ConflictError("not_funded", "Wait until the escrow is funded.")


@dataclass(frozen=True)
class MilestoneIn:
    title: str
    amount_minor: int
    due_date: date | None = None


@transaction.atomic
def milestones_set(
    *, actor: User, engagement_id: int, milestones: Sequence[MilestoneIn]
) -> list[Milestone]:
    """The employer splits the work into milestones (shares add up to the fee),
    before the work starts. An empty list removes them."""
    engagement, _ = _locked(actor, engagement_id, side=rules.EMPLOYER)
    if engagement.status != rules.FUNDED:
        raise ConflictError(
            "milestones_locked", "Milestones can only change before the work starts.", "milestones"
        )
    specs = [rules.MilestoneSpec(title=m.title, amount_minor=m.amount_minor) for m in milestones]
    problem = rules.milestones_refusal(specs, engagement.fee_minor)
    if problem is not None:
        raise DomainError("bad_milestones", problem[1], problem[0])
    for i, m in enumerate(milestones):
        if m.due_date and engagement.due_date and m.due_date > engagement.due_date:
            raise DomainError(
                "milestone_after_due",
                "A milestone cannot be due after the engagement.",
                f"milestones.{i}.due_date",
            )
    engagement.milestones.all().delete()
    return [
        Milestone.objects.create(
            engagement=engagement,
            position=i + 1,
            title=m.title.strip(),
            amount_minor=m.amount_minor,
            due_date=m.due_date,
        )
        for i, m in enumerate(milestones)
    ]


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


# --- Leaving early: cancel, partial payment ----------------------------------------------------


@transaction.atomic
def engagement_cancel(*, actor: User, engagement_id: int, reason: str = "") -> Engagement:
    """Before the work starts either side may cancel; escrow goes back to the employer."""
    engagement, side = _locked(actor, engagement_id)
    if side in (rules.CANDIDATE, rules.EMPLOYER) and engagement.status in rules.WORKING:
        raise ConflictError(
            "work_started",
            "The work has started: propose a partial payment or open a dispute instead.",
        )
    _check(engagement, rules.CANCEL, side)
    _require_funded(engagement)
    reason = _clean_text(reason, field="reason", max_len=2000)
    payments.escrow_refund(
        ref=engagement.ledger_ref,
        employer_id=engagement.employer_id,
        idempotency_key=f"refund:{engagement.pk}",
    )
    _move(engagement, rules.CANCEL, side)
    engagement.cancelled_at = engagement.updated_at
    engagement.released_minor = _released(engagement)  # what approved milestones paid
    engagement.save(update_fields=["status", "cancelled_at", "released_minor", "updated_at"])
    _notify_other_side(
        engagement,
        side,
        actor,
        kind="engagement.cancelled",
        title=f"{engagement.title} was cancelled before the work started",
        body=reason or "What is left in escrow goes back to the employer.",
    )
    return engagement


@transaction.atomic
def split_propose(
    *, actor: User, engagement_id: int, to_candidate_minor: int, note: str = ""
) -> SplitProposal:
    """After the work started, one side proposes ending with a partial payment."""
    engagement, side = _locked(actor, engagement_id)
    _check(engagement, rules.PROPOSE_SPLIT, side)
    problem = rules.split_refusal(to_candidate_minor, engagement.fee_minor, _released(engagement))
    if problem:
        raise DomainError("bad_amount", problem, "to_candidate_minor")
    note = _clean_text(note, field="note", max_len=2000)
    try:
        with transaction.atomic():
            proposal = SplitProposal.objects.create(
                engagement=engagement,
                proposed_by=actor,
                side=side,
                to_candidate_minor=to_candidate_minor,
                note=note,
            )
    except IntegrityError as exc:
        raise ConflictError(
            "proposal_pending", "A proposal is already waiting for an answer.", "to_candidate_minor"
        ) from exc
    amount = Money(to_candidate_minor, engagement.currency).format()
    _notify_other_side(
        engagement,
        side,
        actor,
        kind="engagement.split_proposed",
        title=f"{actor.display_name} proposes ending {engagement.title} with {amount} "
        "to the candidate",
        body=note,
    )
    return proposal


def _locked_proposal(engagement: Engagement, proposal_id: int) -> SplitProposal:
    proposal = lock_split_proposal(engagement, proposal_id)
    if proposal is None:
        raise NotFound("No such proposal.")
    if proposal.status != ProposalStatus.PENDING:
        raise ConflictError(
            "proposal_closed", f"This proposal is {proposal.get_status_display().lower()}."
        )
    return proposal


def _split(engagement: Engagement, to_candidate: int, key: str) -> None:
    payments.escrow_split(
        ref=engagement.ledger_ref,
        employer_id=engagement.employer_id,
        candidate_id=engagement.candidate_id,
        to_candidate=Money(to_candidate, engagement.currency),
        idempotency_key=key,
    )


@transaction.atomic
def split_accept(*, actor: User, engagement_id: int, proposal_id: int) -> Engagement:
    """The other side accepts: escrow is split and the engagement ends (cancelled)."""
    engagement, side = _locked(actor, engagement_id)
    _check(engagement, rules.SETTLE, side)
    proposal = _locked_proposal(engagement, proposal_id)
    if proposal.side == side:
        raise Forbidden("The other side accepts a proposal, not the side that made it.")
    released = _released(engagement)
    if rules.split_refusal(proposal.to_candidate_minor, engagement.fee_minor, released):
        raise ConflictError(  # cannot happen: releasing a milestone withdraws proposals
            "proposal_outdated", "Milestones were paid since this proposal; propose again."
        )
    _split(engagement, proposal.to_candidate_minor, f"settle:{proposal.pk}")
    _move(engagement, rules.SETTLE, side)
    proposal.status = ProposalStatus.ACCEPTED
    proposal.decided_by = actor
    proposal.decided_at = engagement.updated_at
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    Submission.objects.filter(engagement=engagement, decision=Decision.PENDING).update(
        decision=Decision.CLOSED, decided_at=engagement.updated_at
    )
    _reopen_milestones(engagement)
    engagement.cancelled_at = engagement.updated_at
    engagement.released_minor = released + proposal.to_candidate_minor
    engagement.save(update_fields=["status", "cancelled_at", "released_minor", "updated_at"])
    amount = Money(proposal.to_candidate_minor, engagement.currency).format()
    _notify_other_side(
        engagement,
        side,
        actor,
        kind="engagement.cancelled",
        title=f"{engagement.title} ended by agreement: {amount} to the candidate",
    )
    return engagement


@transaction.atomic
def split_decline(*, actor: User, engagement_id: int, proposal_id: int) -> SplitProposal:
    """The proposer withdraws it, or the other side declines it."""
    engagement, side = _locked(actor, engagement_id)
    if side not in (rules.CANDIDATE, rules.EMPLOYER):
        raise Forbidden("Only the two sides answer a proposal.")
    proposal = _locked_proposal(engagement, proposal_id)
    mine = proposal.side == side
    proposal.status = ProposalStatus.WITHDRAWN if mine else ProposalStatus.DECLINED
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    if not mine:
        _notify_other_side(
            engagement,
            side,
            actor,
            kind="engagement.split_proposed",
            title=f"Your proposal to end {engagement.title} early was declined",
        )
    return proposal


# --- Disputes ---------------------------------------------------------------------------------


@transaction.atomic
def dispute_open(*, actor: User, engagement_id: int, statement: str) -> Dispute:
    engagement, side = _locked(actor, engagement_id)
    _check(engagement, rules.DISPUTE, side)
    statement = _clean_text(
        statement, field="statement", max_len=5000, required="Explain what went wrong."
    )
    previous = engagement.status
    _move(engagement, rules.DISPUTE, side)
    engagement.save(update_fields=["status", "updated_at"])
    SplitProposal.objects.filter(engagement=engagement, status=ProposalStatus.PENDING).update(
        status=ProposalStatus.WITHDRAWN, decided_at=engagement.updated_at
    )
    Submission.objects.filter(engagement=engagement, decision=Decision.PENDING).update(
        decision=Decision.CLOSED, decided_at=engagement.updated_at
    )
    _reopen_milestones(engagement)
    try:
        with transaction.atomic():
            dispute = Dispute.objects.create(
                engagement=engagement,
                opened_by=actor,
                opener_side=side,
                opener_statement=statement,
                previous_status=previous,
            )
    except IntegrityError as exc:  # one dispute per engagement, ever
        raise ConflictError("already_disputed", "This engagement already had a dispute.") from exc
    _notify_other_side(
        engagement,
        side,
        actor,
        kind="engagement.dispute",
        title=f"{actor.display_name} opened a dispute on {engagement.title}",
        body="Add your side of the story; a platform admin will decide.",
    )
    return dispute


def _locked_dispute(engagement: Engagement) -> Dispute:
    dispute = lock_dispute(engagement)
    if dispute is None:
        raise NotFound("No such dispute.")
    return dispute


@transaction.atomic
def dispute_respond(*, actor: User, engagement_id: int, statement: str) -> Dispute:
    """The other side adds their statement, once."""
    engagement, side = _locked(actor, engagement_id)
    _check(engagement, rules.RESPOND, side)
    dispute = _locked_dispute(engagement)
    if dispute.opener_side == side:
        raise Forbidden("The other side answers a dispute.")
    if dispute.response_statement:
        raise ConflictError("already_answered", "Your side has already answered.", "statement")
    dispute.response_statement = _clean_text(
        statement, field="statement", max_len=5000, required="Give your side of the story."
    )
    dispute.responded_by = actor
    dispute.responded_at = timezone.now()
    dispute.save(update_fields=["response_statement", "responded_by", "responded_at"])
    return dispute


@transaction.atomic
def dispute_resolve(
    *, actor: User, engagement_id: int, to_candidate_minor: int, resolution: str
) -> Dispute:
    """A platform admin decides how much of the escrow goes to the candidate."""
    if not (actor.is_authenticated and actor.is_staff):
        access_engagement(actor=actor, engagement_id=engagement_id)  # NotFound for outsiders
        raise Forbidden("Only a platform admin resolves disputes.")
    engagement, side = _locked(actor, engagement_id)
    if side != rules.ADMIN:
        raise Forbidden("A platform admin who is not part of this engagement resolves it.")
    _check(engagement, rules.RESOLVE, side)
    released = _released(engagement)
    problem = rules.split_refusal(to_candidate_minor, engagement.fee_minor, released)
    if problem:
        raise DomainError("bad_amount", problem, "to_candidate_minor")
    resolution = _clean_text(
        resolution, field="resolution", max_len=5000, required="Write down the decision."
    )
    dispute = _locked_dispute(engagement)
    _split(engagement, to_candidate_minor, f"split:{dispute.pk}")
    _move(engagement, rules.RESOLVE, side)
    dispute.status = DisputeStatus.RESOLVED
    dispute.resolution = resolution
    dispute.to_candidate_minor = to_candidate_minor
    dispute.resolved_by = actor
    dispute.resolved_at = engagement.updated_at
    dispute.save(
        update_fields=["status", "resolution", "to_candidate_minor", "resolved_by", "resolved_at"]
    )
    engagement.resolved_at = engagement.updated_at
    engagement.released_minor = released + to_candidate_minor
    engagement.save(update_fields=["status", "resolved_at", "released_minor", "updated_at"])
    audit.record(
        actor=actor,
        action="dispute.resolved",
        target=("engagement", engagement.pk),
        before={"status": dispute.previous_status, "released_minor": released},
        after={
            "dispute": dispute.pk,
            "to_candidate_minor": to_candidate_minor,
            "currency": engagement.currency,
            "resolution": resolution,
        },
    )
    amount = Money(to_candidate_minor, engagement.currency).format()
    title = f"The dispute on {engagement.title} is resolved: {amount} to the candidate"
    _notify_candidate(engagement, kind="engagement.dispute", title=title, body=resolution)
    _notify_employer(engagement, kind="engagement.dispute", title=title, body=resolution)
    return dispute


# --- Hours -------------------------------------------------------------------------------------


@transaction.atomic
def timelog_add(
    *, actor: User, engagement_id: int, day: date, minutes: int, note: str = ""
) -> TimeLog:
    engagement, _ = _locked(actor, engagement_id, side=rules.CANDIDATE)
    if engagement.status not in rules.WORKING and engagement.status != rules.DISPUTED:
        raise ConflictError("not_working", "Log hours while the work is under way.", "minutes")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 < minutes <= 24 * 60:
        raise DomainError("bad_minutes", "Log between 1 minute and 24 hours a day.", "minutes")
    if day > timezone.localdate():
        raise DomainError("future_day", "You cannot log hours in the future.", "day")
    if engagement.started_at and day < timezone.localdate(engagement.started_at):
        raise DomainError("before_start", "That day is before the work started.", "day")
    note = _clean_text(note, field="note", max_len=200)
    return TimeLog.objects.create(
        engagement=engagement, candidate=actor, day=day, minutes=minutes, note=note
    )
