"""The growth API: the twins of the growth pages (interviews, tailoring help,
explore, goals and feedback, reflections, references, network, roadmaps, and
past interns' skill growth for employers)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Status

from stint.core.errors import NotFound
from stint.core.schemas import ERRORS
from stint.growth import selectors, services
from stint.growth.models import (
    Connection,
    FeedbackRequest,
    Interview,
    InterviewNote,
    Reference,
    ReferenceShare,
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
    InterviewCancelIn,
    InterviewIn,
    InterviewOut,
    LearningGoalOut,
    NetworkOut,
    NoteIn,
    NoteOut,
    PersonOut,
    PickIn,
    ReferenceDeclineIn,
    ReferenceOut,
    ReferenceRequestIn,
    ReferenceVisibilityIn,
    ReferenceWriteIn,
    ReflectionIn,
    ReflectionOut,
    RescheduleIn,
    RoadmapOut,
    RoadmapSummaryOut,
    SettingsIn,
    SettingsOut,
    SharedReferenceOut,
    ShareIn,
    ShareOut,
    SlotOut,
    TailoringOut,
)
from stint.growth.tasks import interview_ics

router = Router()


# --- Interviews ---------------------------------------------------------------------------


def _interview(interview: Interview, side: str) -> InterviewOut:
    view = selectors.interview_view(interview, side)
    scheduled = interview.status == "scheduled"
    return InterviewOut(
        id=interview.pk,
        application_id=interview.application_id,
        opportunity_id=interview.application.opportunity_id,
        title=interview.title,
        status=interview.status,
        uid=str(interview.uid),
        sequence=interview.sequence,
        meeting_url=interview.meeting_url,
        location=interview.location,
        duration_minutes=interview.duration_minutes,
        employer_time_zone=view.employer_time_zone,
        candidate_time_zone=view.candidate_time_zone,
        proposed_by=interview.proposed_by_side,
        can_pick=view.can_pick,
        starts_at=interview.starts_at if scheduled else None,
        ends_at=interview.ends_at if scheduled else None,
        when_candidate=view.when_candidate if scheduled else "",
        when_employer=view.when_employer if scheduled else "",
        slots=[SlotOut(**s.__dict__) for s in view.slots],
        last_change_reason=interview.last_change_reason,
        my_side=side,
    )


def _note(n: InterviewNote) -> NoteOut:
    return NoteOut(
        id=n.pk,
        author=n.author.display_name if n.author else "",
        text=n.text,
        would_recommend=n.would_recommend,
        created_at=n.created_at,
    )


@router.get("/interviews", response={200: list[InterviewOut], **ERRORS}, summary="Your interviews")
def interview_list(request: HttpRequest) -> list[InterviewOut]:
    out = []
    for i in selectors.interviews_for(request.user):
        interview, side = selectors.access_interview(actor=request.user, interview_id=i.pk)
        out.append(_interview(interview, side))
    return out


@router.post(
    "/applications/{application_id}/interviews",
    response={201: InterviewOut, **ERRORS},
    summary="Employer: offer interview times to a shortlisted applicant",
)
def interview_propose(
    request: HttpRequest, application_id: int, payload: InterviewIn
) -> Status[InterviewOut]:
    interview = services.interview_propose(
        actor=request.user, application_id=application_id, **payload.dict()
    )
    return Status(201, _interview(interview, "employer"))


@router.get(
    "/interviews/{interview_id}", response={200: InterviewOut, **ERRORS}, summary="One interview"
)
def interview_get(request: HttpRequest, interview_id: int) -> InterviewOut:
    interview, side = selectors.access_interview(actor=request.user, interview_id=interview_id)
    return _interview(interview, side)


@router.post(
    "/interviews/{interview_id}/pick",
    response={200: InterviewOut, **ERRORS},
    summary="Pick one of the times offered",
)
def interview_pick(request: HttpRequest, interview_id: int, payload: PickIn) -> InterviewOut:
    services.interview_pick(actor=request.user, interview_id=interview_id, slot_id=payload.slot_id)
    interview, side = selectors.access_interview(actor=request.user, interview_id=interview_id)
    return _interview(interview, side)


@router.post(
    "/interviews/{interview_id}/reschedule",
    response={200: InterviewOut, **ERRORS},
    summary="Offer new times, with a reason (either side)",
)
def interview_reschedule(
    request: HttpRequest, interview_id: int, payload: RescheduleIn
) -> InterviewOut:
    services.interview_reschedule(actor=request.user, interview_id=interview_id, **payload.dict())
    interview, side = selectors.access_interview(actor=request.user, interview_id=interview_id)
    return _interview(interview, side)


@router.post(
    "/interviews/{interview_id}/cancel",
    response={200: InterviewOut, **ERRORS},
    summary="Cancel, with a reason (either side)",
)
def interview_cancel(
    request: HttpRequest, interview_id: int, payload: InterviewCancelIn
) -> InterviewOut:
    services.interview_cancel(actor=request.user, interview_id=interview_id, reason=payload.reason)
    interview, side = selectors.access_interview(actor=request.user, interview_id=interview_id)
    return _interview(interview, side)


@router.get(
    "/interviews/{interview_id}/calendar.ics",
    response={200: None, **ERRORS},
    summary="The interview's calendar file (RFC 5545)",
)
def interview_calendar(request: HttpRequest, interview_id: int) -> HttpResponse:
    interview, _ = selectors.access_interview(actor=request.user, interview_id=interview_id)
    content = interview_ics(interview)
    if content is None:
        raise NotFound("No time has been picked yet.")
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="interview-{interview.pk}.ics"'
    return response


@router.get(
    "/interviews/{interview_id}/notes",
    response={200: list[NoteOut], **ERRORS},
    summary="Employer: the team's private notes",
)
def note_list(request: HttpRequest, interview_id: int) -> list[NoteOut]:
    interview, _ = selectors.access_interview(
        actor=request.user, interview_id=interview_id, side="employer"
    )
    return [_note(n) for n in interview.notes.select_related("author")]


@router.post(
    "/interviews/{interview_id}/notes",
    response={201: NoteOut, **ERRORS},
    summary="Employer: add a private note and a 1-4 'would recommend'",
)
def note_add(request: HttpRequest, interview_id: int, payload: NoteIn) -> Status[NoteOut]:
    note = services.interview_note_add(
        actor=request.user, interview_id=interview_id, **payload.dict()
    )
    return Status(201, _note(note))


# --- Tailoring, explore, roadmaps ------------------------------------------------------------


@router.get(
    "/opportunities/{opportunity_id}/tailoring",
    response={200: TailoringOut, **ERRORS},
    summary="Candidate: what of yours matches this posting, and what it asks that you don't show",
)
def tailoring(request: HttpRequest, opportunity_id: int) -> TailoringOut:
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


def _share(s: ReferenceShare, url: str | None = None) -> ShareOut:
    return ShareOut(
        id=s.pk,
        recipient=s.recipient,
        expires_at=s.expires_at,
        revoked=s.revoked_at is not None,
        url=url,
    )


def _reference(r: Reference, side: str) -> ReferenceOut:
    return ReferenceOut(
        id=r.pk,
        engagement_id=r.engagement_id,
        engagement_title=r.engagement.title,
        employer=r.employer.name,
        candidate=r.candidate.display_name,
        status=r.status,
        message=r.message,
        text=r.text,
        decline_reason=r.decline_reason,
        visibility=r.visibility,
        created_at=r.created_at,
        decided_at=r.decided_at,
        shares=[_share(s) for s in r.shares.all()] if side == "candidate" else [],
    )


@router.get(
    "/engagements/{engagement_id}/growth",
    response={200: EngagementGrowthOut, **ERRORS},
    summary="Learning goals, mid-point feedback, reflection and references of an engagement",
)
def engagement_growth(request: HttpRequest, engagement_id: int) -> EngagementGrowthOut:
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
        references=[_reference(r, side) for r in g.references],
        can_request_reference=g.can_request_reference,
    )


@router.put(
    "/engagements/{engagement_id}/learning-goals",
    response={200: list[LearningGoalOut], **ERRORS},
    summary="Candidate: set 1-3 learning goals at the start",
)
def goals_set(request: HttpRequest, engagement_id: int, payload: GoalsIn) -> list[LearningGoalOut]:
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
    return _reflection(
        services.reflection_save(actor=request.user, engagement_id=engagement_id, **payload.dict())
    )


# --- References ----------------------------------------------------------------------------


@router.post(
    "/engagements/{engagement_id}/references",
    response={201: ReferenceOut, **ERRORS},
    summary="Candidate: ask the employer for a reference",
)
def reference_request(
    request: HttpRequest, engagement_id: int, payload: ReferenceRequestIn
) -> Status[ReferenceOut]:
    ref = services.reference_request(
        actor=request.user, engagement_id=engagement_id, message=payload.message
    )
    return Status(201, _reference(ref, "candidate"))


@router.get(
    "/references",
    response={200: list[ReferenceOut], **ERRORS},
    summary="Your references, and those your employers were asked for",
)
def reference_list(request: HttpRequest) -> list[ReferenceOut]:
    groups = selectors.references_for(request.user)
    return [_reference(r, "candidate") for r in groups["mine"]] + [
        _reference(r, "employer") for r in groups["to_write"] + groups["written"]
    ]


@router.get(
    "/references/{reference_id}", response={200: ReferenceOut, **ERRORS}, summary="One reference"
)
def reference_get(request: HttpRequest, reference_id: int) -> ReferenceOut:
    ref, side = selectors.access_reference(actor=request.user, reference_id=reference_id)
    return _reference(ref, side)


@router.post(
    "/references/{reference_id}/write",
    response={200: ReferenceOut, **ERRORS},
    summary="Employer: write the reference",
)
def reference_write(
    request: HttpRequest, reference_id: int, payload: ReferenceWriteIn
) -> ReferenceOut:
    ref = services.reference_write(actor=request.user, reference_id=reference_id, text=payload.text)
    return _reference(ref, "employer")


@router.post(
    "/references/{reference_id}/decline",
    response={200: ReferenceOut, **ERRORS},
    summary="Employer: decline to write it",
)
def reference_decline(
    request: HttpRequest, reference_id: int, payload: ReferenceDeclineIn
) -> ReferenceOut:
    ref = services.reference_decline(
        actor=request.user, reference_id=reference_id, reason=payload.reason
    )
    return _reference(ref, "employer")


@router.patch(
    "/references/{reference_id}",
    response={200: ReferenceOut, **ERRORS},
    summary="Candidate: who sees it (private or on your portfolio)",
)
def reference_visibility(
    request: HttpRequest, reference_id: int, payload: ReferenceVisibilityIn
) -> ReferenceOut:
    ref = services.reference_set_visibility(
        actor=request.user, reference_id=reference_id, visibility=payload.visibility
    )
    return _reference(ref, "candidate")


@router.post(
    "/references/{reference_id}/shares",
    response={201: ShareOut, **ERRORS},
    summary="Candidate: an expiring link for a future employer",
)
def share_create(request: HttpRequest, reference_id: int, payload: ShareIn) -> Status[ShareOut]:
    created = services.reference_share_create(
        actor=request.user,
        reference_id=reference_id,
        days=payload.days,
        recipient=payload.recipient,
    )
    return Status(201, _share(created.share, request.build_absolute_uri(created.url)))


@router.delete(
    "/reference-shares/{share_id}",
    response={200: ShareOut, **ERRORS},
    summary="Candidate: revoke a link",
)
def share_revoke(request: HttpRequest, share_id: int) -> ShareOut:
    return _share(services.reference_share_revoke(actor=request.user, share_id=share_id))


@router.get(
    "/shared-references/{token}",
    response={200: SharedReferenceOut, **ERRORS},
    auth=None,
    summary="Anyone with a live link: the shared reference (404 when expired or revoked)",
)
def shared_reference(request: HttpRequest, token: str) -> SharedReferenceOut:
    ref = services.reference_by_token(token)
    return SharedReferenceOut(
        employer=ref.employer.name,
        candidate=ref.candidate.display_name,
        engagement_title=ref.engagement.title,
        text=ref.text,
        written_at=ref.decided_at,
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
    return Status(
        201, _connection(services.connection_request(actor=request.user, user_id=payload.user_id))
    )


@router.post(
    "/connections/{connection_id}/accept",
    response={200: ConnectionOut, **ERRORS},
    summary="Accept",
)
def connection_accept(request: HttpRequest, connection_id: int) -> ConnectionOut:
    return _connection(services.connection_accept(actor=request.user, connection_id=connection_id))


@router.post(
    "/connections/{connection_id}/decline",
    response={200: ConnectionOut, **ERRORS},
    summary="Decline",
)
def connection_decline(request: HttpRequest, connection_id: int) -> ConnectionOut:
    return _connection(services.connection_decline(actor=request.user, connection_id=connection_id))


@router.delete(
    "/connections/{connection_id}", response={204: None, **ERRORS}, summary="Remove a connection"
)
def connection_remove(request: HttpRequest, connection_id: int) -> Status[None]:
    services.connection_remove(actor=request.user, connection_id=connection_id)
    return Status(204, None)


@router.get(
    "/users/{user_id}/connections",
    response={200: list[PersonOut], **ERRORS},
    summary="A candidate's connections (to employers they applied to, if they allow it)",
)
def user_connections(request: HttpRequest, user_id: int) -> list[PersonOut]:
    return _people(selectors.visible_connections(viewer=request.user, candidate_id=user_id))


@router.get(
    "/me/growth-settings", response={200: SettingsOut, **ERRORS}, summary="Your growth consents"
)
def settings_get(request: HttpRequest) -> SettingsOut:
    s = selectors.settings_of(request.user)
    return SettingsOut(show_connections=s.show_connections, share_skill_growth=s.share_skill_growth)


@router.patch(
    "/me/growth-settings",
    response={200: SettingsOut, **ERRORS},
    summary="Show your connections to employers; share your skill growth with past employers",
)
def settings_update(request: HttpRequest, payload: SettingsIn) -> SettingsOut:
    s = services.growth_settings_update(actor=request.user, **payload.dict())
    return SettingsOut(show_connections=s.show_connections, share_skill_growth=s.share_skill_growth)


# --- Employers: past interns' skill growth ---------------------------------------------------


@router.get(
    "/orgs/{org_id}/intern-growth",
    response={200: list[InternGrowthOut], **ERRORS},
    summary="Employer: how past interns' verified skills grew (those who allow it)",
)
def intern_growth(request: HttpRequest, org_id: int) -> list[InternGrowthOut]:
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
