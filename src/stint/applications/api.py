from __future__ import annotations

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from stint.accounts.mfa import require_second_factor
from stint.accounts.models import User
from stint.applications import selectors, services
from stint.applications.models import Application, ApplyInvite, Message, Offer
from stint.applications.schemas import (
    AnswerOut,
    ApplicantOut,
    ApplicationDetailOut,
    ApplicationIn,
    ApplicationOut,
    BulkIn,
    DeclineIn,
    InboxThreadOut,
    InviteIn,
    InviteOut,
    MessageIn,
    MessageOut,
    OfferCounterIn,
    OfferIn,
    OfferOut,
    OfferRevisionIn,
    ResponseStatsOut,
    SuggestedCandidateOut,
    SuggestedCandidatesOut,
)
from stint.applications.views import attachment_response
from stint.core.errors import ConflictError, DomainError, NotFound
from stint.core.schemas import ERRORS, LIMITED_ERRORS, RESUME_TYPES, download
from stint.matching.engine import fits_about
from stint.matching.recommend import suggested_candidates
from stint.opportunities import rules as opportunity_rules
from stint.orgs.models import Organisation, OrgKind
from stint.profiles.api import profile_out
from stint.profiles.views import resume_response

router = Router()


def _application(
    a: Application, unread: int = 0, *, about: list[str] | None = None
) -> ApplicationOut:
    """`about`: the fit worded for the employer reading about the applicant ("Ada has
    …"), as on the pipeline page; without it the candidate's own wording ("You have …")."""
    return ApplicationOut(
        id=a.pk,
        opportunity_id=a.opportunity_id,
        opportunity_title=a.opportunity.title,
        employer=a.opportunity.employer.name,
        candidate_id=a.candidate_id,
        candidate_name=a.candidate.display_name,
        status=a.status,
        note=a.note,
        decline_reason=a.decline_reason,
        fit_score=a.fit_score,
        fit_explanation=about if about is not None else list(a.fit_explanation or []),
        engine_version=a.engine_version,
        created_at=a.created_at,
        updated_at=a.updated_at,
        unread_messages=unread,
    )


def _offer(o: Offer) -> OfferOut:
    charge = selectors.offer_charge(o.fee_minor, o.currency)
    return OfferOut(
        id=o.pk,
        application_id=o.application_id,
        engagement_id=selectors.engagement_id_of(o),
        status=o.status,
        fee_minor=o.fee_minor,
        currency=o.currency,
        scope=o.scope,
        start_date=o.start_date,
        due_date=o.due_date,
        expires_at=o.expires_at,
        created_at=o.created_at,
        decided_at=o.decided_at,
        revised_at=o.revised_at,
        counter_fee_minor=o.counter_fee_minor,
        counter_message=o.counter_message,
        platform_fee_minor=charge.platform_fee.amount,
        charge_on_accept_minor=charge.total.amount,
    )


def _for_employer(applications: list[Application]) -> list[ApplicationOut]:
    """Applications as their employer reads them: each fit worded about the applicant."""
    by_opportunity: dict[int, list[Application]] = {}
    for a in applications:
        by_opportunity.setdefault(a.opportunity_id, []).append(a)
    worded: dict[int, list[str]] = {}
    for group in by_opportunity.values():
        fits = fits_about([a.candidate for a in group], group[0].opportunity)
        worded.update({a.pk: fit.explanation for a, fit in zip(group, fits, strict=True)})
    return [_application(a, about=worded[a.pk]) for a in applications]


def _detail(a: Application, user: User) -> ApplicationDetailOut:
    detail = selectors.applications_detail(a)
    about = None if user.pk == a.candidate_id else _for_employer([a])[0].fit_explanation
    return ApplicationDetailOut(
        **_application(a, selectors.unread_count(user, a), about=about).dict(),
        answers=[
            AnswerOut(question_id=x.question_id, question=x.question.text, text=x.text)
            for x in detail["answers"]  # type: ignore[attr-defined]
        ],
        offers=[_offer(o) for o in detail["offers"]],  # type: ignore[attr-defined]
        next_step=selectors.next_step_for(user, a),
    )


def _message(m: Message, user: User) -> MessageOut:
    return MessageOut(
        id=m.pk,
        application_id=m.application_id,
        sender_id=m.sender_id,
        sender_name=m.sender.display_name if m.sender else "Someone who left",
        mine=m.sender_id == user.pk,
        body=m.body,
        attachment_name=m.attachment_name,
        attachment_url=(
            reverse("api-1:application_attachment", args=[m.application_id, m.pk])
            if m.attachment
            else None
        ),
        created_at=m.created_at,
    )


def _invite(i: ApplyInvite) -> InviteOut:
    return InviteOut(
        id=i.pk,
        opportunity_id=i.opportunity_id,
        candidate_id=i.candidate_id,
        message=i.message,
        created_at=i.created_at,
    )


# --- Candidate ------------------------------------------------------------------------


@router.post(
    "/applications", response={201: ApplicationDetailOut, **LIMITED_ERRORS}, summary="Apply"
)
def application_submit(
    request: HttpRequest, payload: ApplicationIn
) -> Status[ApplicationDetailOut]:
    """Apply to a published posting with a tailored note and answers to its screening
    questions. Candidates only; your own employer's posting is 422 `own_opportunity`, a
    closed posting 409 `not_open`, applying twice 409 `already_applied`. Rate-limited per
    person (429 with `Retry-After`)."""
    try:
        a = services.application_submit(
            actor=request.user,
            opportunity_id=payload.opportunity_id,
            note=payload.note,
            answers={x.question_id: x.text for x in payload.answers},
        )
    except DomainError as exc:
        # The service keys answers by question (`answers.<question id>`); the request
        # sends a list, so name the item sent (`answers.<index>.text`) or the list.
        at = {x.question_id: i for i, x in enumerate(payload.answers)}
        for problem in exc.problems():
            head, _, question = (problem.field or "").partition(".")
            if head == "answers" and question.isdigit():
                index = at.get(int(question))
                part = "question_id" if problem.code == "unknown_question" else "text"
                problem.field = "answers" if index is None else f"answers.{index}.{part}"
        raise
    return Status(201, _detail(a, request.user))


@router.get(
    "/applications", response={200: list[ApplicationOut], **ERRORS}, summary="Your applications"
)
def application_list(request: HttpRequest) -> list[ApplicationOut]:
    """Your applications as a candidate, newest first, with their status."""
    return [
        _application(a, a.unread or 0) for a in selectors.applications_of_candidate(request.user)
    ]


@router.get(
    "/applications/{application_id}",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="One application (its candidate or the employer's team)",
)
def application_get(request: HttpRequest, application_id: int) -> ApplicationDetailOut:
    """One application with its offers. Its candidate or a member of the posting's employer;
    anyone else gets 404."""
    a = selectors.access_application(actor=request.user, application_id=application_id)
    return _detail(a, request.user)


@router.get(
    "/messages",
    response={200: list[InboxThreadOut], **ERRORS},
    summary="Your inbox: every application thread with a message, newest first",
)
def inbox(request: HttpRequest) -> list[InboxThreadOut]:
    """Your inbox: every application thread with a message, newest first, with unread counts.
    Candidates and employers alike."""
    user = request.user
    return [
        InboxThreadOut(
            application_id=a.pk,
            opportunity_id=a.opportunity_id,
            opportunity_title=a.opportunity.title,
            with_name=(
                a.opportunity.employer.name
                if a.candidate_id == user.pk
                else a.candidate.display_name
            ),
            last_message_at=a.last_at,
            last_message_preview=(a.last_body or a.last_attachment or "")[:200],
            last_message_from_me=a.last_sender_id == user.pk,
            unread_messages=a.unread,
        )
        for a in selectors.inbox_of(user)
    ]


@router.get(
    "/applications/{application_id}/candidate",
    response={200: ApplicantOut, **ERRORS},
    summary="Employer: the applicant's profile, resume link and portfolio",
)
def applicant_get(request: HttpRequest, application_id: int) -> ApplicantOut:
    """The applicant's profile, resume link and public portfolio, for the posting's employer.
    Members of that employer only (404 otherwise)."""
    a, profile = selectors.access_applicant(actor=request.user, application_id=application_id)
    slug = selectors.public_portfolio_slug(a.candidate)
    return ApplicantOut(
        application_id=a.pk,
        profile=profile_out(profile, resume_url=reverse("api-1:applicant_resume", args=[a.pk])),
        portfolio_url=reverse("portfolio_public", args=[slug]) if slug else None,
    )


@router.get(
    "/applications/{application_id}/candidate/resume",
    response={200: None, **ERRORS},
    openapi_extra=download(*RESUME_TYPES),
    url_name="applicant_resume",
    summary="Employer: download the applicant's resume",
)
def applicant_resume(request: HttpRequest, application_id: int) -> FileResponse:
    """Download the applicant's resume file (PDF, Word or plain text) as they uploaded it. Members of the
    posting's employer only; no resume is 404."""
    _, profile = selectors.access_applicant(actor=request.user, application_id=application_id)
    return resume_response(profile)


@router.post(
    "/applications/{application_id}/withdraw",
    response={200: ApplicationOut, **ERRORS},
    summary="Candidate: withdraw",
)
def application_withdraw(request: HttpRequest, application_id: int) -> ApplicationOut:
    """Withdraw your application. The candidate only; an application already decided or hired
    is 409."""
    return _application(
        services.application_withdraw(actor=request.user, application_id=application_id)
    )


@router.post(
    "/offers/{offer_id}/accept", response={200: OfferOut, **ERRORS}, summary="Candidate: accept"
)
def offer_accept(request: HttpRequest, offer_id: int) -> OfferOut:
    """Accept an offer: an engagement is created and the employer is asked to fund escrow. The
    candidate only; an offer no longer open or expired is 409 (`offer_expired`), and so is a
    posting with no openings left (`no_openings`)."""
    return _offer(services.offer_accept(actor=request.user, offer_id=offer_id))


@router.post(
    "/offers/{offer_id}/decline", response={200: OfferOut, **ERRORS}, summary="Candidate: decline"
)
def offer_decline(request: HttpRequest, offer_id: int) -> OfferOut:
    """Decline an offer, with an optional reason. The candidate only; an offer no longer open
    is 409."""
    return _offer(services.offer_decline(actor=request.user, offer_id=offer_id))


@router.post(
    "/offers/{offer_id}/counter",
    response={200: OfferOut, **ERRORS},
    summary="Candidate: propose another fee, with a message (the offer stays open)",
)
def offer_counter(request: HttpRequest, offer_id: int, payload: OfferCounterIn) -> OfferOut:
    """Propose another fee with a message; the offer stays open for the employer to revise. The
    candidate only; a missing fee is 422 `fee_required`."""
    return _offer(
        services.offer_counter(
            actor=request.user,
            offer_id=offer_id,
            fee_minor=payload.fee_minor,
            message=payload.message,
        )
    )


@router.post(
    "/offers/{offer_id}/withdraw",
    response={200: OfferOut, **ERRORS},
    summary="Employer: withdraw an unanswered offer",
)
def offer_withdraw(request: HttpRequest, offer_id: int) -> OfferOut:
    """Withdraw an offer the candidate has not answered. Members of the employer only; an
    answered offer is 409."""
    return _offer(services.offer_withdraw(actor=request.user, offer_id=offer_id))


@router.post(
    "/offers/{offer_id}/revision",
    response={200: OfferOut, **ERRORS},
    summary="Employer: revise an unanswered offer (fee, dates, scope)",
)
def offer_revise(request: HttpRequest, offer_id: int, payload: OfferRevisionIn) -> OfferOut:
    """Change an unanswered offer's fee, dates or scope; the candidate is told. Members of the
    employer only; a fee under the floor or a due date before the start is 422 naming the
    field."""
    require_second_factor(request.user)  # a confirmed offer is charged on acceptance
    return _offer(services.offer_revise(actor=request.user, offer_id=offer_id, **payload.dict()))


# --- Employer -------------------------------------------------------------------------


@router.get(
    "/opportunities/{opportunity_id}/applicants",
    response={200: list[ApplicationOut], **ERRORS},
    summary="Employer: applicants, best fit first",
)
def applicant_list(request: HttpRequest, opportunity_id: int) -> list[ApplicationOut]:
    """A posting's applicants, best fit first, with their scores and status. Members of the
    posting's employer only (404 otherwise)."""
    o = selectors.access_opportunity_as_employer(actor=request.user, opportunity_id=opportunity_id)
    return _for_employer(
        list(selectors.applicants_ranked(o).select_related("opportunity__employer"))
    )


@router.post(
    "/opportunities/{opportunity_id}/applicants/bulk",
    response={200: list[ApplicationOut], **ERRORS},
    summary="Employer: shortlist or decline many at once (all or nothing)",
)
def applicant_bulk(
    request: HttpRequest, opportunity_id: int, payload: BulkIn
) -> list[ApplicationOut]:
    """Shortlist or decline several applicants of a posting in one go. All or nothing: if one
    cannot be moved, none is (409), and an empty or too long list is 422. Members of the
    employer only."""
    done = services.applications_bulk(
        actor=request.user,
        opportunity_id=opportunity_id,
        application_ids=payload.ids,
        action=payload.action,
        reason=payload.reason,
    )
    return _for_employer(list(done))


@router.post(
    "/applications/{application_id}/shortlist",
    response={200: ApplicationOut, **ERRORS},
    summary="Employer: shortlist",
)
def application_shortlist(request: HttpRequest, application_id: int) -> ApplicationOut:
    """Shortlist an applicant. Members of the posting's employer only; an application not in
    review is 409 `not_in_review`."""
    return _for_employer(
        [services.application_shortlist(actor=request.user, application_id=application_id)]
    )[0]


@router.post(
    "/applications/{application_id}/decline",
    response={200: ApplicationOut, **ERRORS},
    summary="Employer: decline, with an optional reason",
)
def application_decline(
    request: HttpRequest, application_id: int, payload: DeclineIn
) -> ApplicationOut:
    """Decline an applicant, with an optional kind reason they will read. Members of the
    posting's employer only; an application already decided is 409."""
    return _for_employer(
        [
            services.application_decline(
                actor=request.user, application_id=application_id, reason=payload.reason
            )
        ]
    )[0]


@router.post(
    "/applications/{application_id}/offers",
    response={201: OfferOut, **ERRORS},
    summary="Employer: make an offer",
)
def offer_make(request: HttpRequest, application_id: int, payload: OfferIn) -> Status[OfferOut]:
    """Make an offer to an applicant: fee (integer minor units, at least the pay floor), dates
    and scope. Members of the posting's employer only; an open offer already there is 409
    `offer_exists`, a closed posting 409 `not_open`."""
    require_second_factor(request.user)  # a confirmed offer is charged on acceptance
    offer = services.offer_make(actor=request.user, application_id=application_id, **payload.dict())
    return Status(201, _offer(offer))


@router.post(
    "/opportunities/{opportunity_id}/invites",
    response={201: InviteOut, **ERRORS},
    summary="Employer: invite a candidate to apply",
)
def invite_create(
    request: HttpRequest, opportunity_id: int, payload: InviteIn
) -> Status[InviteOut]:
    """Invite a candidate to apply to a published posting, with a message. Members of the
    posting's employer only; a closed posting is 409 `not_open`."""
    invite = services.apply_invite_create(
        actor=request.user,
        opportunity_id=opportunity_id,
        candidate_id=payload.candidate_id,
        message=payload.message,
    )
    return Status(201, _invite(invite))


@router.get(
    "/employers/{org_id}/response-stats",
    response={200: ResponseStatsOut, **ERRORS},
    summary="How quickly an employer answers applicants",
)
def response_stats(request: HttpRequest, org_id: int) -> ResponseStatsOut:
    """How quickly and how often an employer answers applicants, as shown to candidates. Any
    signed-in person; an unknown employer is 404."""
    org = Organisation.objects.filter(pk=org_id, kind=OrgKind.EMPLOYER).first()
    if org is None:
        raise NotFound("No such employer.")
    s = selectors.employer_response_stats(org)
    return ResponseStatsOut(
        employer_id=org.pk,
        window_days=s.window_days,
        considered=s.considered,
        answered_in_window=s.answered_in_window,
        response_rate=s.response_rate,
        median_response_hours=s.median_response_hours,
    )


# --- The thread -----------------------------------------------------------------------


@router.get(
    "/applications/{application_id}/messages",
    response={200: list[MessageOut], **ERRORS},
    summary="The application's thread (marks it read)",
)
def message_list(request: HttpRequest, application_id: int) -> list[MessageOut]:
    """The messages of an application's thread, oldest first; reading marks them read. Its
    candidate or the employer's team only (404 otherwise)."""
    a = selectors.access_application(actor=request.user, application_id=application_id)
    out = [_message(m, request.user) for m in selectors.thread_of(a)]
    services.thread_mark_read(actor=request.user, application_id=a.pk)
    return out


@router.post(
    "/applications/{application_id}/messages",
    response={201: MessageOut, **LIMITED_ERRORS},
    summary="Send a message, optionally with one attachment (multipart)",
)
def message_send(
    request: HttpRequest,
    application_id: int,
    payload: Form[MessageIn],
    attachment: UploadedFile | None = File(None),  # noqa: B008
) -> Status[MessageOut]:
    """Send a message in an application's thread, optionally with one attachment (multipart).
    Its candidate or the employer's team; a closed thread is 409 `thread_closed`, an empty
    or too long body 422. Rate-limited per person (429 with `Retry-After`)."""
    m = services.message_send(
        actor=request.user, application_id=application_id, body=payload.body, attachment=attachment
    )
    return Status(201, _message(m, request.user))


@router.get(
    "/applications/{application_id}/messages/{message_id}/attachment",
    response={200: None, **ERRORS},
    openapi_extra=download("application/octet-stream"),
    url_name="application_attachment",
    summary="Download a message's attachment",
)
def message_attachment(request: HttpRequest, application_id: int, message_id: int) -> FileResponse:
    """Download a message's attachment. People in the thread only (404 otherwise)."""
    return attachment_response(request.user, application_id, message_id)


@router.get(
    "/opportunities/{opportunity_id}/suggested-candidates",
    response={200: SuggestedCandidatesOut, **ERRORS},
    summary="Employer: candidates who fit and have not applied yet",
)
def suggested(request: HttpRequest, opportunity_id: int, k: int = 10) -> SuggestedCandidatesOut:
    """Candidates who fit a posting and have not applied yet, best first, each with why, to
    invite. Members of the posting's employer only; 409 `suggestions_unavailable` when there
    is nothing to match on yet."""
    opportunity = selectors.access_opportunity_as_employer(
        actor=request.user, opportunity_id=opportunity_id
    )
    refusal = opportunity_rules.suggestions_refusal(
        status=opportunity.status, employer_verified=opportunity.employer.is_verified
    )
    if refusal:
        raise ConflictError("suggestions_unavailable", refusal)
    found = suggested_candidates(opportunity, k=max(1, min(k, 50)))
    return SuggestedCandidatesOut(
        degraded=found.degraded,
        items=[
            SuggestedCandidateOut(
                candidate_id=s.candidate.pk,
                name=s.candidate.display_name,
                score=s.fit.score,
                # Worded for the employer: "Ada has …", never "You have …".
                explanation=fit.explanation,
                match_percent=fit.match_percent,
                band=fit.band,
                band_label=fit.band_label,
            )
            for s in found.items
            for fit in [s.fit.read_by("employer", s.candidate.display_name)]
        ],
    )
