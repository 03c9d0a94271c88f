"""The growth API: the twins of the growth pages (tailoring help, explore, goals and
feedback, reflections, network, roadmaps, and past interns' skill growth for
employers). Interviews and references have their own routers in their apps, mounted
with the same "growth" tag (decision 0018)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Status

from stint.core.schemas import ERRORS
from stint.growth import selectors, services
from stint.growth.models import (
    Connection,
    FeedbackRequest,
    Reflection,
)
from stint.growth.schemas import (
    ConnectIn,
    ConnectionOut,
    EngagementGrowthOut,
    ExploreOut,
    FeedbackAnswerIn,
    FeedbackIn,
    FeedbackOut,
    GoalsIn,
    InternGrowthOut,
    LearningGoalOut,
    NetworkOut,
    PersonOut,
    ReflectionIn,
    ReflectionOut,
    RoadmapOut,
    RoadmapSummaryOut,
    SettingsIn,
    SettingsOut,
    TailoringOut,
)
from stint.reviews.reference_api import reference_out

router = Router()


# --- Tailoring, explore, roadmaps ------------------------------------------------------------


@router.get(
    "/opportunities/{opportunity_id}/tailoring",
    response={200: TailoringOut, **ERRORS},
    summary="Candidate: what of yours matches this posting, and what it asks that you don't show",
)
def tailoring(request: HttpRequest, opportunity_id: int) -> TailoringOut:
    """What of your profile matches a posting and what it asks that you do not show yet, to
    tailor your application. Candidates; a posting you may not see is 404."""
    opportunity = selectors.opportunity_for_tailoring(
        actor=request.user, opportunity_id=opportunity_id
    )
    t = selectors.tailoring_for(request.user, opportunity)
    return TailoringOut(
        opportunity_id=opportunity.pk,
        shows=[i.__dict__ for i in t.shows],
        missing=t.missing,
        emphasise=t.emphasise,
        past_engagements=t.engagements,
    )


@router.get(
    "/me/explore",
    response={200: list[ExploreOut], **ERRORS},
    summary="Recommendations that reach into occupations new to you, with why",
)
def explore(request: HttpRequest) -> list[ExploreOut]:
    """Recommendations that reach into occupations new to you, each with why it could be a next
    step. Candidates who turned on explore mode."""
    return [
        ExploreOut(
            opportunity_id=i.opportunity.pk,
            title=i.opportunity.title,
            employer=i.opportunity.employer.name,
            industry=i.opportunity.industry,
            score=i.score,
            novel=i.novel,
            occupation_id=i.occupation_id,
            occupation=i.occupation,
            reason=i.reason,
            transferring_skills=i.transferring,
        )
        for i in selectors.explore_for(request.user)
    ]


@router.get(
    "/me/roadmaps",
    response={200: list[RoadmapSummaryOut], **ERRORS},
    summary="Your career goals and how far along you are",
)
def roadmap_list(request: HttpRequest) -> list[RoadmapSummaryOut]:
    """Your career goals and how far along each is."""
    return [
        RoadmapSummaryOut(
            goal_id=r["goal"].pk,
            occupation_id=r["goal"].occupation_id,
            label=r["goal"].label,
            percent=r["percent"],
            next_gap=r["next_gap"],
        )
        for r in selectors.roadmaps_summary(request.user)
    ]


@router.get(
    "/roadmaps/{goal_id}",
    response={200: RoadmapOut, **ERRORS},
    summary="A career goal's roadmap: skills shown, ranked gaps, work that closes them, progress",
)
def roadmap_get(request: HttpRequest, goal_id: int) -> RoadmapOut:
    """A career goal's roadmap: the skills you already show, ranked gaps, postings that close
    them and your progress. Your own goals only (404 otherwise)."""
    goal = selectors.access_goal(actor=request.user, goal_id=goal_id)
    return RoadmapOut(**selectors.roadmap_for(request.user, goal).as_json())


# --- Engagement growth -----------------------------------------------------------------------


def _feedback(f: FeedbackRequest) -> FeedbackOut:
    return FeedbackOut(
        id=f.pk,
        engagement_id=f.engagement_id,
        question=f.question,
        answer=f.answer,
        created_at=f.created_at,
        answered_at=f.answered_at,
    )


def _reflection(r: Reflection) -> ReflectionOut:
    return ReflectionOut(
        engagement_id=r.engagement_id,
        learned=r.learned,
        differently=r.differently,
        next_steps=r.next_steps,
        on_portfolio=r.on_portfolio,
        updated_at=r.updated_at,
    )


@router.get(
    "/engagements/{engagement_id}/growth",
    response={200: EngagementGrowthOut, **ERRORS},
    summary="Learning goals, mid-point feedback, reflection and references of an engagement",
)
def engagement_growth(request: HttpRequest, engagement_id: int) -> EngagementGrowthOut:
    """The learning side of an engagement: learning goals, mid-point feedback, your reflection
    and references. Its candidate or the employer's team."""
    engagement, side = selectors.access_engagement(actor=request.user, engagement_id=engagement_id)
    g = selectors.engagement_growth(engagement, side)
    return EngagementGrowthOut(
        engagement_id=engagement.pk,
        my_side=side,
        status=engagement.status,
        midpoint=g.midpoint,
        goals=[
            LearningGoalOut(position=x.position, skill_id=x.skill_id, text=x.text) for x in g.goals
        ],
        can_set_goals=g.can_set_goals,
        feedback=[_feedback(f) for f in g.feedback],
        can_ask_feedback=g.can_ask_feedback,
        reflection=_reflection(g.reflection) if g.reflection else None,
        can_reflect=g.can_reflect,
        references=[reference_out(r, side) for r in g.references],
        can_request_reference=g.can_request_reference,
    )


@router.put(
    "/engagements/{engagement_id}/learning-goals",
    response={200: list[LearningGoalOut], **ERRORS},
    summary="Candidate: set 1-3 learning goals at the start",
)
def goals_set(request: HttpRequest, engagement_id: int, payload: GoalsIn) -> list[LearningGoalOut]:
    """Set one to three learning goals at the start of an engagement; they replace the ones
    before. The candidate only; more than three is 422."""
    goals = services.learning_goals_set(
        actor=request.user,
        engagement_id=engagement_id,
        goals=[g.dict() for g in payload.goals],
    )
    return [LearningGoalOut(position=x.position, skill_id=x.skill_id, text=x.text) for x in goals]


@router.post(
    "/engagements/{engagement_id}/feedback-requests",
    response={201: FeedbackOut, **ERRORS},
    summary="Candidate: ask the employer for mid-point feedback",
)
def feedback_request(
    request: HttpRequest, engagement_id: int, payload: FeedbackIn
) -> Status[FeedbackOut]:
    """Ask the employer for mid-point feedback on how the work is going. The candidate only,
    while work is under way; one open request at a time (409 `feedback_open`)."""
    fr = services.feedback_request(
        actor=request.user, engagement_id=engagement_id, question=payload.question
    )
    return Status(201, _feedback(fr))


@router.post(
    "/feedback-requests/{feedback_id}/answer",
    response={200: FeedbackOut, **ERRORS},
    summary="Employer: answer a feedback request",
)
def feedback_answer(
    request: HttpRequest, feedback_id: int, payload: FeedbackAnswerIn
) -> FeedbackOut:
    """Answer a candidate's request for mid-point feedback. Members of the employer only; an
    answered request is 409 `answered`."""
    return _feedback(
        services.feedback_answer(actor=request.user, feedback_id=feedback_id, answer=payload.answer)
    )


@router.put(
    "/engagements/{engagement_id}/reflection",
    response={200: ReflectionOut, **ERRORS},
    summary="Candidate: your reflection on a completed engagement (private unless shown)",
)
def reflection_save(
    request: HttpRequest, engagement_id: int, payload: ReflectionIn
) -> ReflectionOut:
    """Save your reflection on a completed engagement: what you learned and would do
    differently. Private unless you choose to show it on your portfolio. The candidate only;
    work not approved yet is 422 `not_completed`."""
    return _reflection(
        services.reflection_save(actor=request.user, engagement_id=engagement_id, **payload.dict())
    )


# --- Network and settings --------------------------------------------------------------------


def _connection(c: Connection) -> ConnectionOut:
    return ConnectionOut(
        id=c.pk,
        requester_id=c.requester_id,
        recipient_id=c.recipient_id,
        status=c.status,
        context=c.context,
        created_at=c.created_at,
    )


def _people(rows: list[dict]) -> list[PersonOut]:  # type: ignore[type-arg]
    return [
        PersonOut(user_id=r["person"].pk, name=r["person"].display_name, context=r["context"])
        for r in rows
    ]


@router.get("/me/network", response={200: NetworkOut, **ERRORS}, summary="Your connections")
def network(request: HttpRequest) -> NetworkOut:
    """Your connections, and requests waiting for your answer."""
    page = selectors.network_page(request.user)
    return NetworkOut(
        connections=_people(page["connections"]),
        incoming=[_connection(c) for c in page["incoming"]],
        outgoing=[_connection(c) for c in page["outgoing"]],
        suggestions=_people(page["suggestions"]),
    )


@router.post(
    "/connections",
    response={201: ConnectionOut, **ERRORS},
    summary="Ask someone you worked with to connect",
)
def connection_request(request: HttpRequest, payload: ConnectIn) -> Status[ConnectionOut]:
    """Ask someone you worked with (on an engagement) to connect. Already connected or waiting
    for an answer is 409 (`connected`, `pending`)."""
    return Status(
        201, _connection(services.connection_request(actor=request.user, user_id=payload.user_id))
    )


@router.post(
    "/connections/{connection_id}/accept",
    response={200: ConnectionOut, **ERRORS},
    summary="Accept",
)
def connection_accept(request: HttpRequest, connection_id: int) -> ConnectionOut:
    """Accept a connection request sent to you. Only the person asked (422 `not_yours`); a
    request no longer pending is 409 `decided`."""
    return _connection(services.connection_accept(actor=request.user, connection_id=connection_id))


@router.post(
    "/connections/{connection_id}/decline",
    response={200: ConnectionOut, **ERRORS},
    summary="Decline",
)
def connection_decline(request: HttpRequest, connection_id: int) -> ConnectionOut:
    """Decline a connection request sent to you. Only the person asked (422 `not_yours`); a
    request no longer pending is 409 `decided`."""
    return _connection(services.connection_decline(actor=request.user, connection_id=connection_id))


@router.delete(
    "/connections/{connection_id}", response={204: None, **ERRORS}, summary="Remove a connection"
)
def connection_remove(request: HttpRequest, connection_id: int) -> Status[None]:
    """Remove one of your connections (either side)."""
    services.connection_remove(actor=request.user, connection_id=connection_id)
    return Status(204, None)


@router.get(
    "/users/{user_id}/connections",
    response={200: list[PersonOut], **ERRORS},
    summary="A candidate's connections (to employers they applied to, if they allow it)",
)
def user_connections(request: HttpRequest, user_id: int) -> list[PersonOut]:
    """A candidate's connections, shown to employers they applied to if the candidate allows it
    (404 otherwise)."""
    return _people(selectors.visible_connections(viewer=request.user, candidate_id=user_id))


@router.get(
    "/me/growth-settings", response={200: SettingsOut, **ERRORS}, summary="Your growth consents"
)
def settings_get(request: HttpRequest) -> SettingsOut:
    """Your growth consents: whether employers you applied to see your connections and whether
    past employers see how your skills grew."""
    s = selectors.settings_of(request.user)
    return SettingsOut(show_connections=s.show_connections, share_skill_growth=s.share_skill_growth)


@router.patch(
    "/me/growth-settings",
    response={200: SettingsOut, **ERRORS},
    summary="Show your connections to employers; share your skill growth with past employers",
)
def settings_update(request: HttpRequest, payload: SettingsIn) -> SettingsOut:
    """Change your growth consents; only the choices you send change."""
    s = services.growth_settings_update(actor=request.user, **payload.dict())
    return SettingsOut(show_connections=s.show_connections, share_skill_growth=s.share_skill_growth)


# --- Employers: past interns' skill growth ---------------------------------------------------


@router.get(
    "/orgs/{org_id}/intern-growth",
    response={200: list[InternGrowthOut], **ERRORS},
    summary="Employer: how past interns' verified skills grew (those who allow it)",
)
def intern_growth(request: HttpRequest, org_id: int) -> list[InternGrowthOut]:
    """How the verified skills of an employer's past interns grew since, for those who allow
    it. Members of that employer only."""
    org = selectors.access_employer(actor=request.user, organisation_id=org_id)
    follow_ups = reverse("review_follow_ups")
    return [
        InternGrowthOut(
            candidate_id=g.candidate.pk,
            name=g.candidate.display_name,
            engagements=g.engagements,
            verified_since_you=g.since_you,
            timeline=g.timeline,
            months=g.months,
            cumulative=g.cumulative,
            follow_ups_url=follow_ups,
        )
        for g in selectors.skill_growth_for(org)
    ]
