from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from stint.core.errors import Forbidden
from stint.core.schemas import ERRORS
from stint.matching.engine import FitView, search_skills, suggest_skills
from stint.matching.recommend import recommendations_for
from stint.opportunities import rules, selectors, services
from stint.opportunities.models import Opportunity, SavedSearch
from stint.opportunities.schemas import (
    BrowseFilters,
    BrowseItemOut,
    BrowseOut,
    ClarityCheckOut,
    ClarityOut,
    FitOut,
    HiddenOut,
    HiddenPostingOut,
    HideIn,
    HoldReasonOut,
    OpportunityDetailOut,
    OpportunityIn,
    OpportunityOut,
    OpportunityPatch,
    PostingFields,
    PostingHoldOut,
    PostingSummaryOut,
    QuestionOut,
    RecommendationOut,
    RecommendationsOut,
    SavedOut,
    SavedSearchIn,
    SavedSearchOut,
    SkillFactOut,
    SkillOptionOut,
    SkillSuggestionOut,
    StatusIn,
    SuggestIn,
)
from stint.orgs.selectors import access_organisation

router = Router()


def _fields(o: Opportunity) -> dict[str, Any]:
    return {
        "id": o.pk,
        "employer_id": o.employer_id,
        "employer": o.employer.name,
        "status": o.status,
        "title": o.title,
        "summary": o.summary,
        "deliverables": o.deliverables,
        "industry": o.industry,
        "estimated_hours": o.estimated_hours,
        "fee_minor": o.fee_minor,
        "currency": o.currency,
        "hourly_rate_minor": rules.hourly_rate_minor(o.fee_minor, o.estimated_hours),
        "apply_by": o.apply_by,
        "start_date": o.start_date,
        "due_date": o.due_date,
        "work_mode": o.work_mode,
        "location_country": o.location_country,
        "location_city": o.location_city,
        "time_zone": o.time_zone,
        "max_tz_difference_hours": o.max_tz_difference_hours,
        "openings": o.openings,
        "openings_left": o.openings_left,
        "visibility": o.visibility,
        "clarity_score": o.clarity_score,
        "published_at": o.published_at,
        "closed_at": o.closed_at,
        "skills": [
            {"skill_id": s.skill_id, "label": s.label, "need": s.need, "level": s.level}
            for s in o.skills.all()
        ],
    }


def _fit(fit: FitView | None) -> FitOut | None:
    if fit is None:
        return None
    return FitOut(
        score=fit.score,
        excluded_because=fit.excluded_because,
        explanation=fit.explanation,
        engine_version=fit.engine_version,
        match_percent=fit.match_percent,
        band=fit.band,
        band_label=fit.band_label,
        match_help=fit.match_help,
        reader=fit.reader,
        skills=[SkillFactOut(**f) for f in fit.skills],
    )


def _detail(request: HttpRequest, o: Opportunity) -> OpportunityDetailOut:
    user = request.user
    can_manage = selectors.is_member(user, o.employer_id)
    insight = selectors.insight_for(user, o)
    clarity = selectors.clarity_of(o) if can_manage else None
    return OpportunityDetailOut(
        **_fields(o),
        allowed_institution_ids=sorted(o.allowed_institutions.values_list("pk", flat=True)),
        questions=[
            QuestionOut(id=q.pk, text=q.text, required=q.required) for q in o.questions.all()
        ],
        can_manage=can_manage,
        transitions=rules.allowed_transitions(o.status) if can_manage else [],
        application_count=selectors.application_count(o) if can_manage else None,
        clarity=(
            ClarityOut(score=clarity.score, checks=[ClarityCheckOut(**c) for c in clarity.checks])
            if clarity
            else None
        ),
        fit=_fit(insight.fit) if insight else None,
        worth=insight.worth if insight else None,
        hidden=selectors.is_hidden(user, o),
        review=_hold(o) if can_manage else None,
    )


def _hold(o: Opportunity) -> PostingHoldOut | None:
    hold = selectors.posting_hold(o)
    if hold is None:
        return None
    return PostingHoldOut(
        status=hold.status,
        reasons=[
            HoldReasonOut(
                code=str(f.get("code", "")),
                field=f.get("field") or None,
                message=str(f.get("message", "")),
            )
            for f in hold.reasons
        ],
        refusal_reason=hold.refusal_reason,
        next_step=hold.next_step,
    )


def _posting(payload: PostingFields | OpportunityPatch, base: services.Posting) -> services.Posting:
    """The base posting with the fields the caller sent (a PATCH with null for a
    required field leaves it as it was)."""
    nullable = {"apply_by", "start_date", "due_date", "max_tz_difference_hours"}
    data: dict[str, Any] = {}
    for name in payload.model_fields_set - {"organisation_id"}:
        value = getattr(payload, name)
        if value is None and name not in nullable:
            continue
        if name == "skills":
            value = tuple(services.SkillNeed(s.skill_id, s.need, s.level) for s in value)
        elif name == "questions":
            value = tuple(services.Question(q.text, q.required) for q in value)
        elif name == "allowed_institution_ids":
            value = tuple(value)
        data[name] = value
    return replace(base, **data)


def _saved(s: SavedSearch) -> SavedSearchOut:
    return SavedSearchOut(
        id=s.pk,
        name=s.name,
        query=s.query,
        notify=s.notify,
        last_notified_at=s.last_notified_at,
        created_at=s.created_at,
    )


# --- Skills (autocomplete and suggestions for posting forms) -------------------------------


@router.get(
    "/opportunities/skills",
    response={200: list[SkillOptionOut], **ERRORS},
    summary="Find taxonomy skills by name",
)
def skill_search(request: HttpRequest, q: str = "") -> list[dict[str, str]]:
    """Skills of the ESCO taxonomy whose name or alternative labels match `q`, for skill
    pickers. Any signed-in person."""
    return search_skills(q[:100], 10)


@router.post(
    "/opportunities/skill-suggestions",
    response={200: list[SkillSuggestionOut], **ERRORS},
    summary="Skills found in a description",
)
def skill_suggest(request: HttpRequest, payload: SuggestIn) -> list[dict[str, Any]]:
    """Skills found in a posting's description text, with the phrase each was found in, so an
    employer can confirm them. Any signed-in person."""
    return suggest_skills(payload.text, 15)


# --- Saved searches -----------------------------------------------------------------------


@router.get(
    "/saved-searches", response={200: list[SavedSearchOut], **ERRORS}, summary="Your saved searches"
)
def saved_search_list(request: HttpRequest) -> list[SavedSearchOut]:
    """Your saved searches, with the filters each keeps."""
    return [_saved(s) for s in selectors.saved_searches_of(request.user)]


@router.post("/saved-searches", response={201: SavedSearchOut, **ERRORS}, summary="Save a search")
def saved_search_create(request: HttpRequest, payload: SavedSearchIn) -> Status[SavedSearchOut]:
    """Save the current browse filters under a name, to run again later (and be told of new
    matches). There is a limit per person (422 `too_many_searches`); bad filters are 422
    naming the field."""
    search = services.saved_search_create(
        actor=request.user,
        name=payload.name,
        query=selectors.BrowseQuery.from_params(payload.query.dict() if payload.query else {}),
        notify_me=payload.notify,
    )
    return Status(201, _saved(search))


@router.delete(
    "/saved-searches/{saved_search_id}",
    response={204: None, **ERRORS},
    summary="Delete a saved search",
)
def saved_search_delete(request: HttpRequest, saved_search_id: int) -> Status[None]:
    """Delete one of your saved searches. Someone else's is 404."""
    services.saved_search_delete(actor=request.user, saved_search_id=saved_search_id)
    return Status(204, None)


# --- An employer's postings -------------------------------------------------------------------


@router.get(
    "/orgs/{org_id}/opportunities",
    response={200: list[PostingSummaryOut], **ERRORS},
    summary="An employer's postings with counts",
)
def org_postings(request: HttpRequest, org_id: int) -> list[PostingSummaryOut]:
    """An employer's postings in every status, with counts of applicants and offers. Members of
    that employer only (404 otherwise)."""
    org, _ = access_organisation(actor=request.user, organisation_id=org_id)
    return [
        PostingSummaryOut(
            id=o.pk,
            title=o.title,
            status=o.status,
            application_count=o.application_count,
            openings=o.openings,
            filled_count=o.filled_count,
            fee_minor=o.fee_minor,
            currency=o.currency,
            clarity_score=o.clarity_score,
            created_at=o.created_at,
            published_at=o.published_at,
        )
        for o in selectors.postings_of(org.pk)
    ]


# --- Opportunities ------------------------------------------------------------------------------


@router.get(
    "/opportunities",
    response={200: BrowseOut, **ERRORS},
    summary="Browse and search published opportunities (no token needed)",
    openapi_extra={"security": [{}]},  # public: see stint.api.public
)
def browse(
    request: HttpRequest,
    filters: Query[BrowseFilters],
    page: int = Query(1, ge=1, description="From 1; a page past the last one is empty"),
) -> BrowseOut:
    """Browse and search published postings, a page of 20 at a time: free text `q`, skills,
    pay, hours, remote or place, and sort. Needs no token (visitors see public postings
    only); a signed-in candidate also sees postings restricted to their institution and how
    each fits them. Bad filters are 422 naming the field."""
    query = selectors.BrowseQuery.from_params(filters.dict())
    result = selectors.browse_page(request.user, query, page)
    # The paginator falls back to the last page; the API answers what was asked:
    # a page past the end is an empty page, never silently another one.
    past_end = result.page.number != page
    return BrowseOut(
        total=result.total,
        total_capped=result.total_capped,
        page=page,
        pages=result.page.paginator.num_pages,
        items=[]
        if past_end
        else [
            BrowseItemOut(**_fields(item.opportunity), match=_fit(item.fit))
            for item in result.items
        ],
    )


@router.post(
    "/opportunities", response={201: OpportunityDetailOut, **ERRORS}, summary="Create a draft"
)
def create(request: HttpRequest, payload: OpportunityIn) -> Status[OpportunityDetailOut]:
    """Create a draft posting for an employer you are a member of: title, description, skills,
    hours, pay (integer minor units, at least the pay floor) and dates. It stays a draft
    until published with `POST …/status`. Fields that break a rule (pay under the floor,
    dates in the wrong order) are 422 naming them."""
    base = services.Posting(title="", summary="", estimated_hours=0, fee_minor=0)
    opportunity = services.opportunity_create(
        actor=request.user,
        organisation_id=payload.organisation_id,
        posting=_posting(payload, base),
    )
    return Status(201, _detail(request, opportunity))


@router.get(
    "/opportunities/{opportunity_id}",
    response={200: OpportunityDetailOut, **ERRORS},
    summary="One opportunity, with why it matches you (published ones need no token)",
    openapi_extra={"security": [{}]},  # public: see stint.api.public
)
def detail(request: HttpRequest, opportunity_id: int) -> OpportunityDetailOut:
    """One posting, with why it matches you and whether it is worth your time when you are a
    candidate. Published public postings need no token; drafts and restricted postings are
    404 to anyone who may not see them."""
    o = selectors.access_opportunity(actor=request.user, opportunity_id=opportunity_id)
    return _detail(request, o)


@router.patch(
    "/opportunities/{opportunity_id}",
    response={200: OpportunityDetailOut, **ERRORS},
    summary="Edit (limited once people have applied)",
)
def update(
    request: HttpRequest, opportunity_id: int, payload: OpportunityPatch
) -> OpportunityDetailOut:
    """Edit a posting. Members of its employer only. Once people have applied, the terms they
    applied to (pay, hours, dates) may no longer change (422 `edit_limited`)."""
    current = selectors.access_opportunity(
        actor=request.user, opportunity_id=opportunity_id, manage=True
    )
    opportunity = services.opportunity_update(
        actor=request.user,
        opportunity_id=current.pk,
        posting=_posting(payload, services.posting_of(current)),
    )
    return _detail(request, opportunity)


@router.post(
    "/opportunities/{opportunity_id}/status",
    response={200: OpportunityDetailOut, **ERRORS},
    summary="Publish, close, mark filled or archive",
)
def change_status(
    request: HttpRequest, opportunity_id: int, payload: StatusIn
) -> OpportunityDetailOut:
    """Move a posting along its life: publish a draft, close it, mark it filled or archive it.
    Members of its employer only; a move the posting's status does not allow is 409
    `bad_transition`."""
    opportunity = services.opportunity_transition(
        actor=request.user, opportunity_id=opportunity_id, status=payload.status
    )
    return _detail(request, opportunity)


@router.post(
    "/opportunities/{opportunity_id}/hide",
    response={200: HiddenOut, **ERRORS},
    summary="Hide from your results, with a reason",
)
def hide(request: HttpRequest, opportunity_id: int, payload: HideIn) -> HiddenOut:
    """Hide a posting from your browse and recommendations, with a reason (used to improve
    matching). Candidates."""
    hidden = services.opportunity_hide(
        actor=request.user, opportunity_id=opportunity_id, reason=payload.reason
    )
    return HiddenOut(
        opportunity_id=hidden.opportunity_id, reason=hidden.reason, created_at=hidden.created_at
    )


@router.delete(
    "/opportunities/{opportunity_id}/hide",
    response={204: None, **ERRORS},
    summary="Show it in your results again",
)
def unhide(request: HttpRequest, opportunity_id: int) -> Status[None]:
    """Show a hidden posting in your results again."""
    services.opportunity_unhide(actor=request.user, opportunity_id=opportunity_id)
    return Status(204, None)


@router.delete(
    "/opportunities/{opportunity_id}",
    response={204: None, **ERRORS},
    summary="Delete a draft (anything once published is closed or archived instead)",
)
def delete(request: HttpRequest, opportunity_id: int) -> Status[None]:
    """Delete a draft. Anything that has been published is closed or archived instead (409).
    Members of its employer only."""
    services.opportunity_delete(actor=request.user, opportunity_id=opportunity_id)
    return Status(204, None)


@router.get(
    "/saved-opportunities",
    response={200: list[OpportunityOut], **ERRORS},
    summary="Postings you saved for later",
)
def saved_list(request: HttpRequest) -> list[OpportunityOut]:
    """The postings you saved for later."""
    return [
        OpportunityOut(**_fields(o))
        for o in selectors.saved_of(request.user).prefetch_related("skills")
    ]


@router.put(
    "/opportunities/{opportunity_id}/save",
    response={200: SavedOut, **ERRORS},
    summary="Save for later (saving twice is one save)",
)
def save(request: HttpRequest, opportunity_id: int) -> SavedOut:
    """Save a posting for later. Saving twice is one save."""
    saved = services.opportunity_save(actor=request.user, opportunity_id=opportunity_id)
    return SavedOut(opportunity_id=saved.opportunity_id, created_at=saved.created_at)


@router.delete(
    "/opportunities/{opportunity_id}/save",
    response={204: None, **ERRORS},
    summary="Remove from your saved postings",
)
def unsave(request: HttpRequest, opportunity_id: int) -> Status[None]:
    """Remove a posting from your saved ones."""
    services.opportunity_unsave(actor=request.user, opportunity_id=opportunity_id)
    return Status(204, None)


@router.get(
    "/hidden-opportunities",
    response={200: list[HiddenPostingOut], **ERRORS},
    summary="What you hid from your results (bring one back with DELETE .../hide)",
)
def hidden_list(request: HttpRequest) -> list[HiddenPostingOut]:
    """The postings you hid from your results, with your reasons; bring one back with `DELETE
    /opportunities/{id}/hide`."""
    return [
        HiddenPostingOut(
            opportunity_id=h.opportunity_id,
            title=h.opportunity.title,
            employer=h.opportunity.employer.name,
            reason=h.reason,
            created_at=h.created_at,
        )
        for h in selectors.hidden_of(request.user)
    ]


@router.get(
    "/recommendations",
    response={200: RecommendationsOut, **ERRORS},
    summary="Recommended for you, with why each matches and whether it is worth your time",
)
def recommendations(request: HttpRequest, k: int = 10) -> RecommendationsOut:
    """Postings recommended for you, best first, each with why it matches (skills, goals), what
    you would learn and whether it is worth your time (effective hourly pay, the employer's
    follow-up history). Candidates only: 403 until you turn on the candidate role."""
    if not request.user.is_candidate:
        raise Forbidden("Recommendations are for candidates: turn on the candidate role first.")
    recs = recommendations_for(request.user, k=max(1, min(k, 50)))
    return RecommendationsOut(
        degraded=recs.degraded,
        items=[
            RecommendationOut(
                opportunity_id=r.opportunity.pk,
                title=r.opportunity.title,
                employer=r.opportunity.employer.name,
                score=r.fit.score,
                explanation=r.fit.explanation,
                worth=r.worth["sentences"],
                hourly_pay_minor=r.worth["hourly_pay_minor"],
                currency=r.worth["currency"],
                match_percent=r.fit.match_percent,
                band=r.fit.band,
                band_label=r.fit.band_label,
            )
            for r in recs.items
        ],
    )
