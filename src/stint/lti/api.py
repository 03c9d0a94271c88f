"""The JSON twins of the LTI staff pages: platforms, courses, roster, grades, outcomes.
The endpoints a learning platform calls (login, launch, JWKS) are pages in views.py."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from stint.core.schemas import ERRORS
from stint.lti import selectors, services
from stint.lti.models import Course, Platform
from stint.lti.schemas import (
    CourseAttachIn,
    CourseOut,
    DeploymentsIn,
    GradesQueuedOut,
    OutcomesOut,
    PlatformIn,
    PlatformOut,
    RosterSyncOut,
    ToolUrlsOut,
)

router = Router()


def _platform(p: Platform) -> PlatformOut:
    return PlatformOut(
        id=p.pk,
        institution_id=p.institution_id,
        name=p.name,
        issuer=p.issuer,
        client_id=p.client_id,
        deployment_ids=list(p.deployment_ids),
        auth_login_url=p.auth_login_url,
        auth_token_url=p.auth_token_url,
        key_set_url=p.key_set_url,
        auth_audience=p.auth_audience,
        created_at=p.created_at,
    )


def _course(c: Course) -> CourseOut:
    return CourseOut(
        id=c.pk,
        platform_id=c.platform_id,
        context_id=c.context_id,
        title=c.title,
        program_id=c.program_id,
        opportunity_ids=sorted(c.opportunities.values_list("pk", flat=True)),
        grade_mode=c.grade_mode,
        has_roster_service=bool(c.memberships_url),
        has_grade_service=bool(c.lineitems_url),
        roster_synced_at=c.roster_synced_at,
    )


@router.get(
    "/institutions/{institution_id}/lti/tool",
    response={200: ToolUrlsOut, **ERRORS},
    summary="Staff: the URLs to register Stint in a learning platform",
)
def tool_urls(request: HttpRequest, institution_id: int) -> ToolUrlsOut:
    """The URLs to register Stint as an LTI 1.3 tool in a learning platform (login, launch,
    keys, deep linking). Staff of the institution."""
    selectors.access_platforms(actor=request.user, institution_id=institution_id)
    return ToolUrlsOut(**selectors.tool_urls())


@router.get(
    "/institutions/{institution_id}/lti/platforms",
    response={200: list[PlatformOut], **ERRORS},
    summary="Staff: the learning platforms registered for the institution",
)
def platform_list(request: HttpRequest, institution_id: int) -> list[PlatformOut]:
    """The learning platforms (Canvas, Moodle, Blackboard…) registered for the institution.
    Staff of the institution."""
    inst = selectors.access_platforms(actor=request.user, institution_id=institution_id)
    return [_platform(p) for p in selectors.platforms_of(inst)]


@router.post(
    "/institutions/{institution_id}/lti/platforms",
    response={201: PlatformOut, **ERRORS},
    summary="Owners and admins: register a learning platform (issuer, client id, URLs)",
)
def platform_register(
    request: HttpRequest, institution_id: int, payload: PlatformIn
) -> Status[PlatformOut]:
    """Register a learning platform: issuer, client id and its URLs (authorisation, token,
    keys). Owners and admins of the institution only; bad values are 422 naming the field."""
    p = services.platform_register(
        actor=request.user, institution_id=institution_id, **payload.dict()
    )
    return Status(201, _platform(p))


@router.put(
    "/lti/platforms/{platform_id}/deployments",
    response={200: PlatformOut, **ERRORS},
    summary="Owners and admins: replace the deployment ids a platform may launch with",
)
def platform_deployments(
    request: HttpRequest, platform_id: int, payload: DeploymentsIn
) -> PlatformOut:
    """Replace the deployment ids a learning platform may launch Stint with. Owners and admins
    of the institution only."""
    return _platform(
        services.platform_deployments_set(
            actor=request.user, platform_id=platform_id, deployment_ids=payload.deployment_ids
        )
    )


@router.get(
    "/institutions/{institution_id}/lti/courses",
    response={200: list[CourseOut], **ERRORS},
    summary="Staff: the courses that added Stint",
)
def course_list(request: HttpRequest, institution_id: int) -> list[CourseOut]:
    """The courses of the institution's learning platforms that added Stint. Staff of the
    institution."""
    inst = selectors.access_platforms(actor=request.user, institution_id=institution_id)
    return [_course(c) for c in selectors.courses_of(inst).prefetch_related("opportunities")]


@router.get(
    "/lti/courses/{course_id}",
    response={200: CourseOut, **ERRORS},
    summary="Staff: one course",
)
def course_get(request: HttpRequest, course_id: int) -> CourseOut:
    """One course, with the program and projects attached and its grade settings. Staff of the
    institution."""
    return _course(selectors.access_course(actor=request.user, course_id=course_id))


@router.put(
    "/lti/courses/{course_id}",
    response={200: CourseOut, **ERRORS},
    summary="Staff: attach a program and/or projects to the course and choose its grade",
)
def course_attach(request: HttpRequest, course_id: int, payload: CourseAttachIn) -> CourseOut:
    """Attach a program and/or postings to a course and choose how its grade is computed. Staff
    of the institution; an unknown grade mode is 422 `bad_grade_mode`."""
    course = services.course_attach(
        actor=request.user,
        course_id=course_id,
        program_id=payload.program_id,
        opportunity_ids=payload.opportunity_ids,
        grade_mode=payload.grade_mode,
    )
    return _course(course)


@router.post(
    "/lti/courses/{course_id}/roster",
    response={200: RosterSyncOut, **ERRORS},
    summary="Staff: fetch the course roster (Names and Roles) into the program's cohort",
)
def roster_sync(request: HttpRequest, course_id: int) -> RosterSyncOut:
    """Fetch the course roster from the platform (LTI Names and Roles) into the attached
    program's cohort. Staff of the institution; a course without a program is 409
    `no_program`."""
    r = services.roster_sync(actor=request.user, course_id=course_id)
    return RosterSyncOut(
        created=r.created,
        updated=r.updated,
        unchanged=r.unchanged,
        cohort_added=r.cohort_added,
        not_linked=r.not_linked,
        cohort_note=r.cohort_note,
    )


@router.post(
    "/lti/courses/{course_id}/grades",
    response={202: GradesQueuedOut, **ERRORS},
    summary="Staff: queue the grades waiting to be sent to the course gradebook",
)
def grades_send(request: HttpRequest, course_id: int) -> Status[GradesQueuedOut]:
    """Queue the grades waiting to be sent to the course gradebook (LTI Assignment and Grade
    Services); sent in the background, hence 202. Staff of the institution."""
    queued = services.grades_queue(actor=request.user, course_id=course_id)
    return Status(202, GradesQueuedOut(queued=queued))


@router.get(
    "/lti/courses/{course_id}/outcomes",
    response={200: OutcomesOut, **ERRORS},
    summary="Staff: a course's outcomes, each over the students who consent to share it",
)
def course_outcomes(request: HttpRequest, course_id: int) -> OutcomesOut:
    """A course's outcomes, each counted over the students who consent to share it. Staff of
    the institution."""
    return OutcomesOut(
        **selectors.course_outcomes(actor=request.user, course_id=course_id).as_dict()
    )


@router.get(
    "/programs/{program_id}/outcomes",
    response={200: OutcomesOut, **ERRORS},
    summary="Staff: a program's outcomes, each over the students who consent to share it",
)
def program_outcomes(request: HttpRequest, program_id: int) -> OutcomesOut:
    """A program's outcomes, each counted over the students who consent to share it. Staff of
    the program's institution."""
    return OutcomesOut(
        **selectors.program_outcomes(actor=request.user, program_id=program_id).as_dict()
    )
