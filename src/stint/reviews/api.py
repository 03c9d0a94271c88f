"""The reviews API: reviews, reputation, verified skills, portfolio, credentials,
follow-up offers and outcomes. Each endpoint calls the same service or selector as
its page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Body, Router, Status

from stint.core.errors import NotFound
from stint.core.schemas import ERRORS
from stint.reviews import credentials, selectors, services
from stint.reviews.models import Credential, FollowUpOffer, Portfolio, Review, VerifiedSkill
from stint.reviews.schemas import (
    CandidateOutcomesOut,
    CountedReviewOut,
    CredentialOut,
    CredentialRevokeIn,
    CredentialStatusOut,
    DimensionOut,
    EmployerOutcomesOut,
    EmployerStatsOut,
    EngagementReviewsOut,
    FollowUpIn,
    FollowUpListOut,
    FollowUpOut,
    KeyDocumentOut,
    PortfolioEngagementOut,
    PortfolioIn,
    PortfolioOut,
    PublicPortfolioOut,
    ReputationOut,
    ReviewIn,
    ReviewOut,
    SkillAverageOut,
    StatusListCredentialOut,
    VerificationOut,
    VerifiedSkillOut,
    VerifiedSkillsIn,
)

router = Router()


def _review(r: Review) -> ReviewOut:
    return ReviewOut(
        id=r.pk,
        engagement_id=r.engagement_id,
        side=r.side,
        ratings=r.ratings,
        skill_ratings=r.skill_ratings or {},
        score=r.score,
        text=r.text,
        created_at=r.created_at,
        visible_at=r.visible_at,
    )


def _reputation(view: selectors.ReputationView) -> ReputationOut:
    rep = view.reputation
    return ReputationOut(
        subject=view.subject,
        count=rep.count,
        overall=rep.overall,
        method=rep.method,
        dimensions=[
            DimensionOut(name=d.name, label=d.label, average=d.average, count=d.count)
            for d in rep.dimensions
        ],
        reviews=[
            CountedReviewOut(
                review_id=r.pk,
                engagement_id=r.engagement_id,
                engagement_title=r.engagement.title,
                created_at=r.created_at,
                ratings=r.ratings,
                score=r.score,
            )
            for r in view.reviews
        ],
        skills=[SkillAverageOut(**s) for s in view.skill_averages],
    )


def _verified(v: VerifiedSkill) -> VerifiedSkillOut:
    return VerifiedSkillOut(
        skill_id=v.skill_id,
        label=v.label,
        level=v.level,
        engagement_id=v.engagement_id,
        employer=v.engagement.employer.name,
        created_at=v.created_at,
    )


def _portfolio(p: Portfolio) -> PortfolioOut:
    return PortfolioOut(
        slug=p.slug,
        public=p.public,
        headline=p.headline,
        url=f"{credentials.site_url()}/p/{p.slug}/",
    )


def _follow_up(o: FollowUpOffer) -> FollowUpOut:
    return FollowUpOut(
        id=o.pk,
        engagement_id=o.engagement_id,
        employer_id=o.employer_id,
        employer=o.employer.name,
        candidate_id=o.candidate_id,
        kind=o.kind,
        role_title=o.role_title,
        message=o.message,
        status=o.status,
        created_at=o.created_at,
        decided_at=o.decided_at,
    )


# --- Reviews -------------------------------------------------------------------------------


@router.get(
    "/engagements/{engagement_id}/reviews",
    response={200: EngagementReviewsOut, **ERRORS},
    summary="Reviews of an engagement you may read (double-blind)",
)
def review_list(request: HttpRequest, engagement_id: int) -> EngagementReviewsOut:
    """The reviews of an engagement that you may read. Reviews are double-blind: each side sees
    the other's only once both have written theirs or the review window has closed. Its
    candidate or the employer's team."""
    s = selectors.review_state(actor=request.user, engagement_id=engagement_id)
    return EngagementReviewsOut(
        your_side=s.side,
        reviews=[_review(r) for r in s.reviews],
        other_side_reviewed=s.other_in,
        reveal_at=s.reveal_at,
        can_review=s.refusal is None,
        refusal=s.refusal[1] if s.refusal else None,
    )


@router.post(
    "/engagements/{engagement_id}/reviews",
    response={201: ReviewOut, **ERRORS},
    summary="Review an approved engagement (once per side)",
)
def review_create(request: HttpRequest, engagement_id: int, payload: ReviewIn) -> Status[ReviewOut]:
    """Review the other side of an approved or completed engagement: ratings and a comment.
    Once per side (409 `already_reviewed` the second time); a rating out of range is 422
    naming it."""
    review = services.review_create(
        actor=request.user, engagement_id=engagement_id, **payload.dict()
    )
    return Status(201, _review(review))


@router.get(
    "/me/reputation",
    response={200: ReputationOut, **ERRORS},
    summary="Every rating that counts toward you",
)
def reputation_mine(request: HttpRequest) -> ReputationOut:
    """Every rating that counts toward your reputation as a candidate, with the averages shown
    to employers."""
    return _reputation(selectors.candidate_reputation(request.user))


@router.get(
    "/orgs/{org_id}/reputation",
    response={200: ReputationOut, **ERRORS},
    summary="Every rating that counts toward an employer (members)",
)
def reputation_employer(request: HttpRequest, org_id: int) -> ReputationOut:
    """Every rating that counts toward an employer's reputation. Members of that employer only."""
    org = selectors.access_employer(actor=request.user, organisation_id=org_id)
    return _reputation(selectors.employer_reputation(actor=request.user, org=org))


# --- Verified skills ---------------------------------------------------------------------------


@router.post(
    "/engagements/{engagement_id}/verified-skills",
    response={200: list[VerifiedSkillOut], **ERRORS},
    summary="Employer: confirm skills the candidate demonstrated",
)
def verified_skills_confirm(
    request: HttpRequest, engagement_id: int, payload: VerifiedSkillsIn
) -> list[VerifiedSkillOut]:
    """Confirm skills the candidate demonstrated in a completed engagement; they appear as
    verified on the candidate's profile and portfolio. Members of the employer only; an
    unknown skill or rating is 422 naming it."""
    rows = services.verified_skills_confirm(
        actor=request.user, engagement_id=engagement_id, levels=payload.skills
    )
    return [_verified(v) for v in rows]


@router.get(
    "/engagements/{engagement_id}/verified-skills",
    response={200: list[VerifiedSkillOut], **ERRORS},
    summary="Skills verified in an engagement",
)
def verified_skills_of_engagement(
    request: HttpRequest, engagement_id: int
) -> list[VerifiedSkillOut]:
    """The skills verified in an engagement. Its candidate or the employer's team."""
    engagement, _ = selectors.access_engagement(actor=request.user, engagement_id=engagement_id)
    return [_verified(v) for v in engagement.verified_skills.select_related("engagement__employer")]


@router.get(
    "/me/verified-skills",
    response={200: list[VerifiedSkillOut], **ERRORS},
    summary="Your verified skills",
)
def verified_skills_mine(request: HttpRequest) -> list[VerifiedSkillOut]:
    """Your verified skills, with the engagement and employer that verified each."""
    return [_verified(v) for v in selectors.verified_skills_of(request.user)]


# --- Portfolio -----------------------------------------------------------------------------------


@router.get(
    "/me/portfolio", response={200: PortfolioOut, **ERRORS}, summary="Your portfolio settings"
)
def portfolio_get(request: HttpRequest) -> PortfolioOut:
    """Your portfolio settings: whether it is public, its address (`/p/<slug>/`) and what it
    shows."""
    return _portfolio(services.portfolio_get_or_create(actor=request.user))


@router.patch(
    "/me/portfolio", response={200: PortfolioOut, **ERRORS}, summary="Change your portfolio"
)
def portfolio_update(request: HttpRequest, payload: PortfolioIn) -> PortfolioOut:
    """Change your portfolio: make it public or private, change its slug (a taken slug is 409)
    or what it shows."""
    return _portfolio(services.portfolio_update(actor=request.user, **payload.dict()))


@router.get(
    "/portfolios/{slug}",
    response={200: PublicPortfolioOut, **ERRORS},
    auth=None,
    summary="A public portfolio (404 when private, except for its owner's session)",
)
def portfolio_public(request: HttpRequest, slug: str) -> PublicPortfolioOut:
    """A candidate's public portfolio: verified skills, completed engagements, reviews and
    credentials. Needs no special role; a private portfolio is 404 except to its owner."""
    view = selectors.portfolio_page(viewer=request.user, slug=slug)
    base = credentials.site_url()
    return PublicPortfolioOut(
        slug=view.portfolio.slug,
        name=view.owner.display_name,
        headline=view.portfolio.headline,
        engagements=[
            PortfolioEngagementOut(
                engagement_id=e.pk,
                title=e.title,
                employer=e.employer.name,
                summary=e.scope,
                completed_at=e.paid_at or e.approved_at,
                credential_url=(
                    f"{base}/p/{view.portfolio.slug}/credentials/{e.pk}.json"
                    if e.pk in view.credentials
                    else None
                ),
            )
            for e in view.engagements
        ],
        verified_skills=[_verified(v) for v in view.verified],
        reputation=_reputation(view.reputation),
    )


# --- Credentials ---------------------------------------------------------------------------------


@router.post(
    "/engagements/{engagement_id}/credential",
    response={200: CredentialOut, 201: CredentialOut, **ERRORS},
    by_alias=True,
    summary="Candidate: issue (once) the Open Badges 3.0 credential of a completed engagement",
)
def credential_export(request: HttpRequest, engagement_id: int) -> Status[dict[str, Any]]:
    """Issue the Open Badges 3.0 credential of a completed engagement (a signed verifiable
    credential, JSON-LD). 201 the first time, 200 with the same credential afterwards. The
    candidate only; an engagement not paid or resolved yet is 409 `not_completed`."""
    credential, created = services.credential_issue(actor=request.user, engagement_id=engagement_id)
    return Status(201 if created else 200, credential.document)


@router.get(
    "/engagements/{engagement_id}/credential",
    response={200: CredentialOut, **ERRORS},
    by_alias=True,
    summary="The credential already issued for an engagement",
)
def credential_get(request: HttpRequest, engagement_id: int) -> dict[str, Any]:
    """The credential issued for an engagement. Its candidate or the employer's team; 404 when
    none has been issued."""
    engagement, _ = selectors.access_engagement(actor=request.user, engagement_id=engagement_id)
    credential = getattr(engagement, "credential", None)
    if credential is None:
        raise NotFound("No credential has been issued for this engagement.")
    return credential.document


def _credential_status(c: Credential) -> CredentialStatusOut:
    proof = c.document.get("proof") or {}
    return CredentialStatusOut(
        credential_id=f"urn:uuid:{c.uuid}",
        status="revoked" if c.revoked else "active",
        issued_at=c.created_at,
        key_id=proof.get("verificationMethod"),
        revoked_at=c.revoked_at,
        revocation_reason=c.revocation_reason or None,
        status_list_credential=(
            credentials.status_list_url(c.status_list) if c.status_list is not None else None
        ),
        status_list_index=c.status_index,
    )


@router.get(
    "/engagements/{engagement_id}/credential/status",
    response={200: CredentialStatusOut, **ERRORS},
    summary="Whether an engagement's credential is active or revoked (and when, why)",
)
def credential_status(request: HttpRequest, engagement_id: int) -> CredentialStatusOut:
    """Whether an engagement's credential is active or revoked, and when and why. 404 when none
    has been issued."""
    engagement, _ = selectors.access_engagement(actor=request.user, engagement_id=engagement_id)
    credential = getattr(engagement, "credential", None)
    if credential is None:
        raise NotFound("No credential has been issued for this engagement.")
    return _credential_status(credential)


@router.post(
    "/engagements/{engagement_id}/credential/revoke",
    response={200: CredentialStatusOut, **ERRORS},
    summary="Candidate or platform admin: revoke an engagement's credential, with a reason",
)
def credential_revoke(
    request: HttpRequest, engagement_id: int, payload: CredentialRevokeIn
) -> CredentialStatusOut:
    """Revoke an engagement's credential, with a reason: verifiers will see it as revoked. The
    candidate or a platform admin; already revoked is 409."""
    credential = services.credential_revoke(
        actor=request.user, engagement_id=engagement_id, reason=payload.reason
    )
    return _credential_status(credential)


@router.post(
    "/credentials/verify",
    response={200: VerificationOut, **ERRORS},
    auth=None,
    summary="Anyone: check a credential's signature, integrity and revocation",
)
def credential_verify(request: HttpRequest, payload: Body[dict[str, Any]]) -> VerificationOut:
    """Check a credential anyone gave you: its signature, that it was not altered, and whether
    it was revoked. Any signed-in person; a body that is not a credential is 422."""
    result = selectors.credential_check(payload)
    return VerificationOut(**result.__dict__)


@router.get(
    "/credentials/status/{list_no}",
    response={200: StatusListCredentialOut, **ERRORS},
    by_alias=True,
    auth=None,
    summary="Anyone: a revocation status list (as at /p/status/<n>.json)",
)
def credential_status_list(request: HttpRequest, list_no: int) -> dict[str, Any]:
    """A revocation status list (Bitstring Status List), as published at `/p/status/<n>.json`.
    An unknown list is 404."""
    return selectors.revocation_list(list_no)


@router.get(
    "/credentials/keys/platform",
    response={200: KeyDocumentOut},
    by_alias=True,
    auth=None,
    summary="The platform's public keys, current and earlier (as at /p/keys/platform.json)",
)
def credential_key(request: HttpRequest) -> dict[str, Any]:
    """The platform's public signing keys, current and earlier, as published at
    `/p/keys/platform.json`, to verify credentials offline."""
    return credentials.key_document()


# --- Follow-up offers ----------------------------------------------------------------------------


@router.post(
    "/engagements/{engagement_id}/follow-ups",
    response={201: FollowUpOut, **ERRORS},
    summary="Employer: invite a past intern to a longer role",
)
def follow_up_create(
    request: HttpRequest, engagement_id: int, payload: FollowUpIn
) -> Status[FollowUpOut]:
    """Invite a past intern of a completed engagement to a longer role, with a message. Members
    of the employer only; an engagement not paid yet is 409 `not_paid`, an open follow-up
    already there 409 `already_offered`."""
    offer = services.follow_up_create(
        actor=request.user, engagement_id=engagement_id, **payload.dict()
    )
    return Status(201, _follow_up(offer))


@router.get("/follow-ups", response={200: FollowUpListOut, **ERRORS}, summary="Follow-up offers")
def follow_up_list(request: HttpRequest) -> FollowUpListOut:
    """Follow-up offers you received as a candidate or sent as an employer."""
    f = selectors.follow_ups_for(request.user)
    return FollowUpListOut(
        received=[_follow_up(o) for o in f["received"]], sent=[_follow_up(o) for o in f["sent"]]
    )


@router.post(
    "/follow-ups/{follow_up_id}/accept", response={200: FollowUpOut, **ERRORS}, summary="Accept"
)
def follow_up_accept(request: HttpRequest, follow_up_id: int) -> FollowUpOut:
    """Accept a follow-up offer. The candidate only; an offer no longer open is 409."""
    return _follow_up(services.follow_up_accept(actor=request.user, follow_up_id=follow_up_id))


@router.post(
    "/follow-ups/{follow_up_id}/decline", response={200: FollowUpOut, **ERRORS}, summary="Decline"
)
def follow_up_decline(request: HttpRequest, follow_up_id: int) -> FollowUpOut:
    """Decline a follow-up offer. The candidate only; an offer no longer open is 409."""
    return _follow_up(services.follow_up_decline(actor=request.user, follow_up_id=follow_up_id))


@router.post(
    "/follow-ups/{follow_up_id}/withdraw",
    response={200: FollowUpOut, **ERRORS},
    summary="Employer: withdraw",
)
def follow_up_withdraw(request: HttpRequest, follow_up_id: int) -> FollowUpOut:
    """Withdraw a follow-up offer the candidate has not answered. Members of the employer only;
    an answered offer is 409."""
    return _follow_up(services.follow_up_withdraw(actor=request.user, follow_up_id=follow_up_id))


# --- Outcomes --------------------------------------------------------------------------------------


@router.get(
    "/me/outcomes",
    response={200: CandidateOutcomesOut, **ERRORS},
    summary="Your outcomes over time",
)
def outcomes_mine(request: HttpRequest) -> dict[str, Any]:
    """Your outcomes over time as a candidate: engagements, earnings, ratings, skills verified."""
    return selectors.candidate_outcomes(request.user).as_json()


@router.get(
    "/orgs/{org_id}/outcomes",
    response={200: EmployerOutcomesOut, **ERRORS},
    summary="An employer's outcomes",
)
def outcomes_employer(request: HttpRequest, org_id: int) -> dict[str, Any]:
    """An employer's outcomes over time: postings, hires, completion, spend and follow-ups.
    Members of that employer only."""
    org = selectors.access_employer(actor=request.user, organisation_id=org_id)
    return selectors.employer_outcomes(org).as_json()


@router.get(
    "/orgs/{org_id}/employer-stats",
    response={200: EmployerStatsOut, **ERRORS},
    summary="The follow-up signal the matching engine uses",
)
def employer_stats(request: HttpRequest, org_id: int) -> EmployerStatsOut:
    """The follow-up signal the matching engine uses for an employer (how often its interns get
    longer roles). Members of that employer only."""
    org = selectors.access_employer(actor=request.user, organisation_id=org_id)
    stats = selectors.employer_stats(org)
    return EmployerStatsOut(
        follow_up_offer_rate=stats.follow_up_offer_rate,
        completed_engagements=stats.completed_engagements,
    )
