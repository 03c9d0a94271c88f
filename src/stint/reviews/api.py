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
    CountedReviewOut,
    CredentialRevokeIn,
    CredentialStatusOut,
    DimensionOut,
    EmployerStatsOut,
    EngagementReviewsOut,
    FollowUpIn,
    FollowUpListOut,
    FollowUpOut,
    JsonObject,
    PortfolioEngagementOut,
    PortfolioIn,
    PortfolioOut,
    PublicPortfolioOut,
    ReputationOut,
    ReviewIn,
    ReviewOut,
    SkillAverageOut,
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
    return _reputation(selectors.candidate_reputation(request.user))


@router.get(
    "/orgs/{org_id}/reputation",
    response={200: ReputationOut, **ERRORS},
    summary="Every rating that counts toward an employer (members)",
)
def reputation_employer(request: HttpRequest, org_id: int) -> ReputationOut:
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
    engagement, _ = selectors.access_engagement(actor=request.user, engagement_id=engagement_id)
    return [_verified(v) for v in engagement.verified_skills.select_related("engagement__employer")]


@router.get(
    "/me/verified-skills",
    response={200: list[VerifiedSkillOut], **ERRORS},
    summary="Your verified skills",
)
def verified_skills_mine(request: HttpRequest) -> list[VerifiedSkillOut]:
    return [_verified(v) for v in selectors.verified_skills_of(request.user)]


# --- Portfolio -----------------------------------------------------------------------------------


@router.get(
    "/me/portfolio", response={200: PortfolioOut, **ERRORS}, summary="Your portfolio settings"
)
def portfolio_get(request: HttpRequest) -> PortfolioOut:
    return _portfolio(services.portfolio_get_or_create(actor=request.user))


@router.patch(
    "/me/portfolio", response={200: PortfolioOut, **ERRORS}, summary="Change your portfolio"
)
def portfolio_update(request: HttpRequest, payload: PortfolioIn) -> PortfolioOut:
    return _portfolio(services.portfolio_update(actor=request.user, **payload.dict()))


@router.get(
    "/portfolios/{slug}",
    response={200: PublicPortfolioOut, **ERRORS},
    auth=None,
    summary="A public portfolio (404 when private, except for its owner's session)",
)
def portfolio_public(request: HttpRequest, slug: str) -> PublicPortfolioOut:
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
    response={200: JsonObject, 201: JsonObject, **ERRORS},
    summary="Candidate: issue (once) the Open Badges 3.0 credential of a completed engagement",
)
def credential_export(request: HttpRequest, engagement_id: int) -> Status[JsonObject]:
    credential, created = services.credential_issue(actor=request.user, engagement_id=engagement_id)
    return Status(201 if created else 200, credential.document)


@router.get(
    "/engagements/{engagement_id}/credential",
    response={200: JsonObject, **ERRORS},
    summary="The credential already issued for an engagement",
)
def credential_get(request: HttpRequest, engagement_id: int) -> JsonObject:
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
    result = selectors.credential_check(payload)
    return VerificationOut(**result.__dict__)


@router.get(
    "/credentials/status/{list_no}",
    response={200: JsonObject, **ERRORS},
    auth=None,
    summary="Anyone: a revocation status list (as at /p/status/<n>.json)",
)
def credential_status_list(request: HttpRequest, list_no: int) -> JsonObject:
    return selectors.revocation_list(list_no)


@router.get(
    "/credentials/keys/platform",
    response={200: JsonObject},
    auth=None,
    summary="The platform's public keys, current and earlier (as at /p/keys/platform.json)",
)
def credential_key(request: HttpRequest) -> JsonObject:
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
    offer = services.follow_up_create(
        actor=request.user, engagement_id=engagement_id, **payload.dict()
    )
    return Status(201, _follow_up(offer))


@router.get("/follow-ups", response={200: FollowUpListOut, **ERRORS}, summary="Follow-up offers")
def follow_up_list(request: HttpRequest) -> FollowUpListOut:
    f = selectors.follow_ups_for(request.user)
    return FollowUpListOut(
        received=[_follow_up(o) for o in f["received"]], sent=[_follow_up(o) for o in f["sent"]]
    )


@router.post(
    "/follow-ups/{follow_up_id}/accept", response={200: FollowUpOut, **ERRORS}, summary="Accept"
)
def follow_up_accept(request: HttpRequest, follow_up_id: int) -> FollowUpOut:
    return _follow_up(services.follow_up_accept(actor=request.user, follow_up_id=follow_up_id))


@router.post(
    "/follow-ups/{follow_up_id}/decline", response={200: FollowUpOut, **ERRORS}, summary="Decline"
)
def follow_up_decline(request: HttpRequest, follow_up_id: int) -> FollowUpOut:
    return _follow_up(services.follow_up_decline(actor=request.user, follow_up_id=follow_up_id))


@router.post(
    "/follow-ups/{follow_up_id}/withdraw",
    response={200: FollowUpOut, **ERRORS},
    summary="Employer: withdraw",
)
def follow_up_withdraw(request: HttpRequest, follow_up_id: int) -> FollowUpOut:
    return _follow_up(services.follow_up_withdraw(actor=request.user, follow_up_id=follow_up_id))


# --- Outcomes --------------------------------------------------------------------------------------


@router.get("/me/outcomes", response={200: JsonObject, **ERRORS}, summary="Your outcomes over time")
def outcomes_mine(request: HttpRequest) -> JsonObject:
    return selectors.candidate_outcomes(request.user).as_json()


@router.get(
    "/orgs/{org_id}/outcomes",
    response={200: JsonObject, **ERRORS},
    summary="An employer's outcomes",
)
def outcomes_employer(request: HttpRequest, org_id: int) -> JsonObject:
    org = selectors.access_employer(actor=request.user, organisation_id=org_id)
    return selectors.employer_outcomes(org).as_json()


@router.get(
    "/orgs/{org_id}/employer-stats",
    response={200: EmployerStatsOut, **ERRORS},
    summary="The follow-up signal the matching engine uses",
)
def employer_stats(request: HttpRequest, org_id: int) -> EmployerStatsOut:
    org = selectors.access_employer(actor=request.user, organisation_id=org_id)
    stats = selectors.employer_stats(org)
    return EmployerStatsOut(
        follow_up_offer_rate=stats.follow_up_offer_rate,
        completed_engagements=stats.completed_engagements,
    )
