from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from stint.accounts.mfa import require_second_factor
from stint.core.schemas import ERRORS, download
from stint.engagements import rules, selectors, services
from stint.engagements.models import (
    Dispute,
    Engagement,
    Milestone,
    SplitProposal,
    Submission,
    TimeLog,
)
from stint.engagements.schemas import (
    CancelIn,
    DisputeOut,
    EngagementDetailOut,
    EngagementOut,
    ItemOut,
    MilestoneOut,
    MilestonesIn,
    ProposalOut,
    ResolveIn,
    SplitIn,
    StatementIn,
    SubmissionDecisionIn,
    SubmissionIn,
    SubmissionOut,
    TimeLogIn,
    TimeLogOut,
)
from stint.engagements.views import file_response

router = Router()


def _summary(e: Engagement, side: str) -> dict:
    return {
        "id": e.pk,
        "title": e.title,
        "status": e.status,
        "my_side": side,
        "offer_id": e.offer_id,
        "application_id": e.application_id,
        "opportunity_id": e.opportunity_id,
        "candidate_id": e.candidate_id,
        "candidate_name": e.candidate.display_name,
        "employer_id": e.employer_id,
        "employer_name": e.employer.name,
        "fee_minor": e.fee_minor,
        "currency": e.currency,
        "start_date": e.start_date,
        "due_date": e.due_date,
        "change_rounds": e.change_rounds,
        "created_at": e.created_at,
        "funded_at": e.funded_at,
        "started_at": e.started_at,
        "submitted_at": e.submitted_at,
        "approved_at": e.approved_at,
        "paid_at": e.paid_at,
        "cancelled_at": e.cancelled_at,
        "released_minor": e.released_minor,
        "by_milestone": e.by_milestone,
    }


def _submission(s: Submission) -> SubmissionOut:
    return SubmissionOut(
        id=s.pk,
        milestone_id=s.milestone_id,
        version=s.version,
        text=s.text,
        created_at=s.created_at,
        decision=s.decision,
        decided_at=s.decided_at,
        comments=s.comments,
        items=[
            ItemOut(
                id=i.pk,
                kind=i.kind,
                name=i.name,
                size=i.size,
                url=(
                    reverse("api-1:engagement_file", args=[s.engagement_id, i.pk])
                    if i.kind == "file"
                    else i.url
                ),
            )
            for i in s.items.all()
        ],
    )


def _milestone(m: Milestone, row: selectors.MilestoneRow | None = None) -> MilestoneOut:
    return MilestoneOut(
        id=m.pk,
        position=m.position,
        title=m.title,
        amount_minor=m.amount_minor,
        due_date=m.due_date,
        status=m.status,
        change_rounds=m.change_rounds,
        change_rounds_left=(
            row.change_rounds_left
            if row
            else max(0, settings.STINT_MAX_CHANGE_ROUNDS - m.change_rounds)
        ),
        submitted_at=m.submitted_at,
        approved_at=m.approved_at,
        released_at=m.released_at,
        auto_approved=m.auto_approved,
        actions=row.actions if row else [],
    )


def _proposal(p: SplitProposal) -> ProposalOut:
    return ProposalOut(
        id=p.pk,
        side=p.side,
        to_candidate_minor=p.to_candidate_minor,
        note=p.note,
        status=p.status,
        created_at=p.created_at,
    )


def _dispute(d: Dispute) -> DisputeOut:
    return DisputeOut(
        id=d.pk,
        engagement_id=d.engagement_id,
        opener_side=d.opener_side,
        opener_statement=d.opener_statement,
        response_statement=d.response_statement,
        status=d.status,
        resolution=d.resolution,
        to_candidate_minor=d.to_candidate_minor,
        created_at=d.created_at,
        resolved_at=d.resolved_at,
    )


def _detail(request: HttpRequest, engagement_id: int) -> EngagementDetailOut:
    e, side = selectors.access_engagement(actor=request.user, engagement_id=engagement_id)
    proposal = selectors.pending_proposal(e)
    dispute = selectors.dispute_of(e)
    milestones = selectors.milestones_of(e)
    actions = selectors.actions_for(
        e,
        side,
        max_rounds=settings.STINT_MAX_CHANGE_ROUNDS,
        proposal=proposal,
        dispute=dispute,
        milestones=milestones,
    )
    minutes = selectors.minutes_logged(e)
    return EngagementDetailOut(
        **_summary(e, side),
        scope=e.scope,
        deliverables=e.deliverables,
        milestones=[_milestone(row.milestone, row) for row in actions.milestones],
        milestones_released_minor=selectors.released_by_milestones(milestones),
        escrow_balance_minor=selectors.escrow_held(e),
        submissions=[_submission(s) for s in selectors.submissions_of(e)],
        actions=actions.names
        + (["respond"] if actions.can_respond_dispute else [])
        + (["accept_split"] if actions.can_accept_split else []),
        change_rounds_left=actions.change_rounds_left,
        pending_proposal=_proposal(proposal) if proposal else None,
        can_accept_proposal=actions.can_accept_split,
        dispute=_dispute(dispute) if dispute else None,
        minutes_logged=minutes,
        effective_hourly_rate_minor=(
            rules.effective_hourly_rate(e.fee_minor, minutes) if side == rules.CANDIDATE else None
        ),
        next_step=selectors.next_step_for(e, side),
    )


# The admin queue comes before /engagements/{id} so that "disputes" is never read as an id.
@router.get(
    "/engagements/disputes",
    response={200: list[DisputeOut], **ERRORS},
    summary="Platform admins: the dispute queue (open first)",
)
def dispute_queue(request: HttpRequest) -> list[DisputeOut]:
    """The dispute queue, open disputes first, with both sides' statements. Platform admins
    only (403 otherwise)."""
    return [_dispute(d) for d in selectors.dispute_queue(request.user)]


@router.get(
    "/engagements",
    response={200: list[EngagementOut], **ERRORS},
    summary="Your engagements (as candidate or employer member)",
)
def engagement_list(request: HttpRequest) -> list[EngagementOut]:
    """Your engagements, as the candidate or as a member of the employer, with their status,
    ids of the offer, application and posting, and when escrow was funded."""
    out = []
    for e in selectors.engagements_for(request.user):
        side = rules.CANDIDATE if e.candidate_id == request.user.pk else rules.EMPLOYER
        out.append(EngagementOut(**_summary(e, side)))
    return out


@router.get(
    "/engagements/{engagement_id}",
    response={200: EngagementDetailOut, **ERRORS},
    summary="One engagement: scope, milestones, submissions, your allowed actions",
)
def engagement_get(request: HttpRequest, engagement_id: int) -> EngagementDetailOut:
    """One engagement: scope, fee, milestones, submissions, escrow balance and the actions you
    may take now. Its candidate or the employer's team (404 otherwise)."""
    return _detail(request, engagement_id)


@router.put(
    "/engagements/{engagement_id}/milestones",
    response={200: list[MilestoneOut], **ERRORS},
    summary="Employer: set milestones (shares add up to the fee) before work starts",
)
def milestones_set(
    request: HttpRequest, engagement_id: int, payload: MilestonesIn
) -> list[MilestoneOut]:
    """Split the work into milestones whose shares add up to the fee, before work starts; each
    approval then releases that milestone's share. Members of the employer only; shares that
    do not add up are 422 `bad_milestones`, and once work has started they are locked (409)."""
    created = services.milestones_set(
        actor=request.user,
        engagement_id=engagement_id,
        milestones=[
            services.MilestoneIn(title=m.title, amount_minor=m.amount_minor, due_date=m.due_date)
            for m in payload.milestones
        ],
    )
    return [_milestone(m) for m in created]


@router.post(
    "/engagements/{engagement_id}/start",
    response={200: EngagementDetailOut, **ERRORS},
    summary="Candidate: start the work",
)
def engagement_start(request: HttpRequest, engagement_id: int) -> EngagementDetailOut:
    """Start the work once escrow is funded. The candidate only; an engagement not funded yet
    is 409 `not_funded`."""
    services.engagement_start(actor=request.user, engagement_id=engagement_id)
    return _detail(request, engagement_id)


@router.post(
    "/engagements/{engagement_id}/submissions",
    response={201: SubmissionOut, **ERRORS},
    summary="Candidate: submit deliverables (multipart: text, links, files; "
    "milestone_id when the engagement has milestones)",
)
def submission_create(
    request: HttpRequest,
    engagement_id: int,
    payload: Form[SubmissionIn],
    files: list[UploadedFile] | None = File(None),  # noqa: B008
) -> Status[SubmissionOut]:
    """Submit deliverables for review (multipart: text, links and files; `milestone_id` when
    the engagement has milestones). The candidate only, while work is under way (409
    `not_working` otherwise); an empty submission, a bad link or file is 422 naming the
    field."""
    s = services.submission_create(
        actor=request.user,
        engagement_id=engagement_id,
        text=payload.text,
        links=payload.links,
        files=files or [],
        milestone_id=payload.milestone_id,
    )
    return Status(201, _submission(s))


@router.get(
    "/engagements/{engagement_id}/submissions",
    response={200: list[SubmissionOut], **ERRORS},
    summary="Every version submitted, newest first",
)
def submission_list(request: HttpRequest, engagement_id: int) -> list[SubmissionOut]:
    """Every version submitted, newest first, with the employer's comments. Its candidate or
    the employer's team."""
    e, _ = selectors.access_engagement(actor=request.user, engagement_id=engagement_id)
    return [_submission(s) for s in selectors.submissions_of(e)]


@router.get(
    "/engagements/{engagement_id}/files/{item_id}",
    response={200: None, **ERRORS},
    openapi_extra=download("application/octet-stream"),
    url_name="engagement_file",
    summary="Download a submitted file",
)
def engagement_file(request: HttpRequest, engagement_id: int, item_id: int) -> HttpResponse:
    """Download a file of a submission. Its candidate or the employer's team (404 otherwise)."""
    return file_response(request.user, engagement_id, item_id)


@router.post(
    "/engagements/{engagement_id}/approval",
    response={200: EngagementDetailOut, **ERRORS},
    summary="Employer: approve the submission and release the fee "
    "(with milestone_id: that milestone's, releasing its share)",
)
def submission_approve(
    request: HttpRequest, engagement_id: int, payload: SubmissionDecisionIn
) -> EngagementDetailOut:
    """Approve the submitted work and release the fee from escrow to the candidate; with
    `milestone_id`, approve that milestone and release its share. Members of the employer;
    nothing waiting for review is 409 `nothing_to_review`. Send an `Idempotency-Key` header
    to retry safely."""
    require_second_factor(request.user)  # moves money
    services.submission_approve(
        actor=request.user,
        engagement_id=engagement_id,
        comments=payload.comments,
        milestone_id=payload.milestone_id,
    )
    return _detail(request, engagement_id)


@router.post(
    "/engagements/{engagement_id}/changes",
    response={200: EngagementDetailOut, **ERRORS},
    summary="Employer: request changes, with comments (with milestone_id: on that milestone)",
)
def submission_request_changes(
    request: HttpRequest, engagement_id: int, payload: SubmissionDecisionIn
) -> EngagementDetailOut:
    """Ask for changes to the submitted work, with comments the candidate reads (with
    `milestone_id`: on that milestone). Members of the employer; nothing waiting for review
    is 409 `nothing_to_review`."""
    services.submission_request_changes(
        actor=request.user,
        engagement_id=engagement_id,
        comments=payload.comments,
        milestone_id=payload.milestone_id,
    )
    return _detail(request, engagement_id)


@router.post(
    "/engagements/{engagement_id}/cancellation",
    response={200: EngagementDetailOut, **ERRORS},
    summary="Either side, before work starts: cancel with a full refund",
)
def engagement_cancel(
    request: HttpRequest, engagement_id: int, payload: CancelIn
) -> EngagementDetailOut:
    """Cancel before work starts, with a reason; any escrow is refunded in full. Either side;
    once work has started use a split proposal or a dispute instead (409)."""
    require_second_factor(request.user)  # moves money
    services.engagement_cancel(
        actor=request.user, engagement_id=engagement_id, reason=payload.reason
    )
    return _detail(request, engagement_id)


@router.post(
    "/engagements/{engagement_id}/split-proposals",
    response={201: ProposalOut, **ERRORS},
    summary="Either side, after work starts: propose ending with a partial payment",
)
def split_propose(
    request: HttpRequest, engagement_id: int, payload: SplitIn
) -> Status[ProposalOut]:
    """Propose ending the engagement with a partial payment to the candidate (integer minor
    units, at most what escrow holds). Either side, after work starts; a proposal already
    waiting is 409 `proposal_pending`, an amount out of range 422 naming
    `to_candidate_minor`."""
    require_second_factor(request.user)  # moves money
    p = services.split_propose(
        actor=request.user,
        engagement_id=engagement_id,
        to_candidate_minor=payload.to_candidate_minor,
        note=payload.note,
    )
    return Status(201, _proposal(p))


@router.post(
    "/engagements/{engagement_id}/split-proposals/{proposal_id}/acceptance",
    response={200: EngagementDetailOut, **ERRORS},
    summary="The other side: accept the proposal (escrow is split)",
)
def split_accept(request: HttpRequest, engagement_id: int, proposal_id: int) -> EngagementDetailOut:
    """Accept the other side's proposal: escrow is split as proposed and the engagement ends.
    Only the side that did not propose it (403 otherwise); a proposal no longer open is 409
    `proposal_closed`."""
    require_second_factor(request.user)  # moves money
    services.split_accept(actor=request.user, engagement_id=engagement_id, proposal_id=proposal_id)
    return _detail(request, engagement_id)


@router.post(
    "/engagements/{engagement_id}/split-proposals/{proposal_id}/decline",
    response={200: ProposalOut, **ERRORS},
    summary="Decline the other side's proposal, or withdraw your own",
)
def split_decline(request: HttpRequest, engagement_id: int, proposal_id: int) -> ProposalOut:
    """Decline the other side's proposal, or withdraw your own. A proposal no longer open is
    409."""
    return _proposal(
        services.split_decline(
            actor=request.user, engagement_id=engagement_id, proposal_id=proposal_id
        )
    )


@router.post(
    "/engagements/{engagement_id}/dispute",
    response={201: DisputeOut, **ERRORS},
    summary="Either side, after work starts: open a dispute with a statement",
)
def dispute_open(
    request: HttpRequest, engagement_id: int, payload: StatementIn
) -> Status[DisputeOut]:
    """Open a dispute with a statement when the sides cannot agree; escrow stays held until a
    platform admin resolves it. Either side, after work starts; a dispute already open is
    409 `already_disputed`."""
    d = services.dispute_open(
        actor=request.user, engagement_id=engagement_id, statement=payload.statement
    )
    return Status(201, _dispute(d))


@router.post(
    "/engagements/{engagement_id}/dispute/response",
    response={200: DisputeOut, **ERRORS},
    summary="The other side: add your statement",
)
def dispute_respond(request: HttpRequest, engagement_id: int, payload: StatementIn) -> DisputeOut:
    """Add your statement to a dispute the other side opened. Only the other side (403
    otherwise), once (409 `already_answered` after)."""
    return _dispute(
        services.dispute_respond(
            actor=request.user, engagement_id=engagement_id, statement=payload.statement
        )
    )


@router.post(
    "/engagements/{engagement_id}/dispute/resolution",
    response={200: DisputeOut, **ERRORS},
    summary="Platform admin: resolve with an amount to the candidate",
)
def dispute_resolve(request: HttpRequest, engagement_id: int, payload: ResolveIn) -> DisputeOut:
    """Resolve a dispute: the amount to pay the candidate (integer minor units, at most what
    escrow holds); the rest is refunded to the employer. A platform admin who is not part of
    the engagement (403 otherwise); an amount out of range is 422 naming
    `to_candidate_minor`."""
    require_second_factor(request.user)  # moves money
    return _dispute(
        services.dispute_resolve(
            actor=request.user,
            engagement_id=engagement_id,
            to_candidate_minor=payload.to_candidate_minor,
            resolution=payload.resolution,
        )
    )


def _timelog(t: TimeLog) -> TimeLogOut:
    return TimeLogOut(id=t.pk, day=t.day, minutes=t.minutes, note=t.note)


@router.get(
    "/engagements/{engagement_id}/time-logs",
    response={200: list[TimeLogOut], **ERRORS},
    summary="Candidate: your logged hours",
)
def timelog_list(request: HttpRequest, engagement_id: int) -> list[TimeLogOut]:
    """The hours logged on an engagement. Its candidate or the employer's team."""
    e, _ = selectors.access_engagement(
        actor=request.user, engagement_id=engagement_id, side=rules.CANDIDATE
    )
    return [_timelog(t) for t in e.time_logs.all()]


@router.post(
    "/engagements/{engagement_id}/time-logs",
    response={201: TimeLogOut, **ERRORS},
    summary="Candidate: log hours",
)
def timelog_add(request: HttpRequest, engagement_id: int, payload: TimeLogIn) -> Status[TimeLogOut]:
    """Log hours worked on a date, with what you did. The candidate only, while work is under
    way (409 otherwise); bad `minutes` or a future `day` are 422 naming the field."""
    t = services.timelog_add(
        actor=request.user,
        engagement_id=engagement_id,
        day=payload.day,
        minutes=payload.minutes,
        note=payload.note,
    )
    return Status(201, _timelog(t))
