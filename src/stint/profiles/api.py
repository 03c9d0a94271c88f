from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import File, Router, Status
from ninja.files import UploadedFile

from stint.core.errors import call_reporting_every_field
from stint.core.schemas import ERRORS, RESUME_TYPES, download
from stint.matching import engine
from stint.profiles import selectors, services
from stint.profiles.models import (
    AvailabilityWindow,
    CandidateProfile,
    CareerGoal,
    Education,
    SkillClaim,
)
from stint.profiles.schemas import (
    CompletenessOut,
    EducationIn,
    EducationOut,
    GoalIn,
    GoalOut,
    OccupationOption,
    ProfileOut,
    ProfilePatch,
    ResumeConfirmIn,
    ResumeOut,
    SkillClaimIn,
    SkillClaimOut,
    SkillLevelIn,
    SkillOption,
    SuggestionOut,
    WindowIn,
    WindowOut,
)
from stint.profiles.views import resume_response

router = Router()


def _skill(s: SkillClaim) -> SkillClaimOut:
    return SkillClaimOut(
        id=s.pk, skill_id=s.skill_id, label=s.label, level=s.level, source=s.source
    )


def _goal(g: CareerGoal) -> GoalOut:
    return GoalOut(id=g.pk, occupation_id=g.occupation_id, label=g.label)


def _education(e: Education) -> EducationOut:
    return EducationOut(
        id=e.pk,
        institution_name=e.institution_name,
        institution_id=e.institution_id,
        degree=e.degree,
        major=e.major,
        graduation_year=e.graduation_year,
    )


def _window(w: AvailabilityWindow) -> WindowOut:
    return WindowOut(id=w.pk, start=w.start, end=w.end)


def _resume(p: CandidateProfile, download_url: str | None = None) -> ResumeOut | None:
    if not p.resume:
        return None
    return ResumeOut(
        filename=p.resume_filename,
        uploaded_at=p.resume_uploaded_at,
        download_url=download_url or reverse("api-1:profile_resume_download", args=[p.user_id]),
        suggestions=[SuggestionOut(**s) for s in p.resume_suggestions],
        already_on_profile=[SuggestionOut(**s) for s in p.resume_on_profile],
    )


def _profile(p: CandidateProfile) -> ProfileOut:
    return profile_out(p)


def profile_out(p: CandidateProfile, *, resume_url: str | None = None) -> ProfileOut:
    """A profile as the API shows it; `resume_url` is where this reader downloads
    the resume (an employer's goes through the application)."""
    sections = selectors.profile_sections(p)
    meter = selectors.completeness_of(p, sections)
    return ProfileOut(
        user_id=p.user_id,
        headline=p.headline,
        bio=p.bio,
        location_country=p.location_country,
        location_city=p.location_city,
        time_zone=p.time_zone,
        remote_preference=p.remote_preference,
        hours_per_week=p.hours_per_week,
        interests=p.interests,
        industries=p.industries,
        links=p.links,
        education=[_education(e) for e in sections["education"]],
        skills=[_skill(s) for s in sections["skills"]],
        goals=[_goal(g) for g in sections["goals"]],
        windows=[_window(w) for w in sections["windows"]],
        resume=_resume(p, resume_url),
        completeness=CompletenessOut(
            percent=meter.percent, next_step=meter.next_step, missing=list(meter.missing)
        ),
        updated_at=p.updated_at,
    )


# --- The profile -------------------------------------------------------------------------


@router.get("/profile", response={200: ProfileOut, **ERRORS}, summary="Your candidate profile")
def profile_get(request: HttpRequest) -> ProfileOut:
    """Your candidate profile: headline, skills with levels, goals, education, availability,
    resume and how complete it is."""
    return _profile(services.profile_get_or_create(actor=request.user))


@router.patch("/profile", response={200: ProfileOut, **ERRORS}, summary="Change your profile")
def profile_update(request: HttpRequest, payload: ProfilePatch) -> ProfileOut:
    """Change your profile's headline, summary, location, availability and pay expectations;
    only the fields you send change. Bad values are 422 naming the field."""
    # Every field at fault is answered at once (issue 14), as on the page.
    profile = call_reporting_every_field(
        services.profile_update,
        fixed={"actor": request.user},
        fields={k: v for k, v in payload.dict().items() if v is not None},
    )
    return _profile(profile)


@router.get(
    "/profiles/{user_id}",
    response={200: ProfileOut, **ERRORS},
    summary="A candidate's profile (owner and platform admins)",
)
def profile_of_user(request: HttpRequest, user_id: int) -> ProfileOut:
    """A candidate's profile. The candidate themselves and platform admins; employers see
    applicants' profiles through their applications instead (404 here)."""
    return _profile(selectors.access_profile(actor=request.user, user_id=user_id))


# --- Skills ----------------------------------------------------------------------------------


@router.post("/profile/skills", response={201: SkillClaimOut, **ERRORS}, summary="Add a skill")
def skill_add(request: HttpRequest, payload: SkillClaimIn) -> Status[SkillClaimOut]:
    """Add a skill from the taxonomy with your level. An unknown skill or level is 422 naming
    it."""
    claim = services.skill_add(actor=request.user, skill_id=payload.skill_id, level=payload.level)
    return Status(201, _skill(claim))


@router.patch(
    "/profile/skills/{claim_id}", response={200: SkillClaimOut, **ERRORS}, summary="Change a level"
)
def skill_update(request: HttpRequest, claim_id: int, payload: SkillLevelIn) -> SkillClaimOut:
    """Change the level of one of your skills."""
    return _skill(services.skill_update(actor=request.user, claim_id=claim_id, level=payload.level))


@router.delete(
    "/profile/skills/{claim_id}", response={204: None, **ERRORS}, summary="Remove a skill"
)
def skill_remove(request: HttpRequest, claim_id: int) -> Status[None]:
    """Remove a skill from your profile. Someone else's skill is 404."""
    services.skill_remove(actor=request.user, claim_id=claim_id)
    return Status(204, None)


# --- Career goals ---------------------------------------------------------------------------


@router.post(
    "/profile/goals", response={201: GoalOut, **ERRORS}, summary="Add a career goal (occupation)"
)
def goal_add(request: HttpRequest, payload: GoalIn) -> Status[GoalOut]:
    """Add a career goal (an occupation of the taxonomy, found with `/taxonomy/occupations`).
    An unknown occupation is 422."""
    return Status(
        201, _goal(services.goal_add(actor=request.user, occupation_id=payload.occupation_id))
    )


@router.delete(
    "/profile/goals/{goal_id}", response={204: None, **ERRORS}, summary="Remove a career goal"
)
def goal_remove(request: HttpRequest, goal_id: int) -> Status[None]:
    """Remove one of your career goals; its roadmap goes with it. Someone else's goal is 404."""
    services.goal_remove(actor=request.user, goal_id=goal_id)
    return Status(204, None)


# --- Education -------------------------------------------------------------------------------


@router.post("/profile/education", response={201: EducationOut, **ERRORS}, summary="Add education")
def education_add(request: HttpRequest, payload: EducationIn) -> Status[EducationOut]:
    """Add an education entry: institution, programme and years."""
    return Status(201, _education(services.education_add(actor=request.user, **payload.dict())))


@router.delete(
    "/profile/education/{education_id}",
    response={204: None, **ERRORS},
    summary="Remove an education entry",
)
def education_remove(request: HttpRequest, education_id: int) -> Status[None]:
    """Remove one of your education entries. Someone else's entry is 404."""
    services.education_remove(actor=request.user, education_id=education_id)
    return Status(204, None)


# --- Availability windows --------------------------------------------------------------------


@router.post("/profile/windows", response={201: WindowOut, **ERRORS}, summary="Add a date window")
def window_add(request: HttpRequest, payload: WindowIn) -> Status[WindowOut]:
    """Add a window of dates when you are available for work. An end before the start is 422
    `bad_window`."""
    return Status(
        201, _window(services.window_add(actor=request.user, start=payload.start, end=payload.end))
    )


@router.delete(
    "/profile/windows/{window_id}", response={204: None, **ERRORS}, summary="Remove a date window"
)
def window_remove(request: HttpRequest, window_id: int) -> Status[None]:
    """Remove one of your availability windows. Someone else's window is 404."""
    services.window_remove(actor=request.user, window_id=window_id)
    return Status(204, None)


# --- Resume ------------------------------------------------------------------------------------


@router.post(
    "/profile/resume",
    response={201: ResumeOut, **ERRORS},
    summary="Upload your resume (PDF, DOCX or TXT); returns suggested skills to confirm",
)
def resume_upload(request: HttpRequest, resume: File[UploadedFile]) -> Status[ResumeOut]:
    """Upload your resume (PDF, DOCX or TXT, multipart). It is parsed into suggested skills you
    then confirm; nothing is added yet. Another file type or a file too large is 422 naming
    `file`."""
    profile = services.resume_upload(actor=request.user, file=resume)
    out = _resume(profile)
    assert out is not None
    return Status(201, out)


@router.post(
    "/profile/resume/confirm",
    response={200: list[SkillClaimOut], **ERRORS},
    summary="Add suggested skills you confirm; the rest are dismissed",
)
def resume_confirm(request: HttpRequest, payload: ResumeConfirmIn) -> list[SkillClaimOut]:
    """Add the suggested skills you confirm; the other suggestions are dismissed."""
    levels = {item.skill_id: item.level for item in payload.skills}
    return [_skill(s) for s in services.resume_confirm(actor=request.user, levels=levels)]


@router.delete("/profile/resume", response={204: None, **ERRORS}, summary="Remove your resume")
def resume_remove(request: HttpRequest) -> Status[None]:
    """Remove your resume file; with none there this is 409 `no_resume`."""
    services.resume_remove(actor=request.user)
    return Status(204, None)


@router.get(
    "/profiles/{user_id}/resume",
    response={200: None, **ERRORS},
    openapi_extra=download(*RESUME_TYPES),
    url_name="profile_resume_download",
    summary="Download a candidate's resume (owner and platform admins)",
)
def resume_download(request: HttpRequest, user_id: int) -> HttpResponse:
    """Download a candidate's resume file as uploaded. The candidate and platform admins (404
    otherwise, and when there is none)."""
    return resume_response(selectors.access_profile(actor=request.user, user_id=user_id))


# --- Taxonomy look-ups ---------------------------------------------------------------------------


@router.get(
    "/taxonomy/skills",
    response={200: list[SkillOption], **ERRORS},
    summary="Skills matching a phrase (autocomplete)",
)
def taxonomy_skills(request: HttpRequest, q: str = "", k: int = 10) -> list[SkillOption]:
    """Skills whose name matches a phrase, for autocomplete."""
    return [SkillOption(**s) for s in engine.search_skills(q[:100], max(1, min(k, 25)))]


@router.get(
    "/taxonomy/occupations",
    response={200: list[OccupationOption], **ERRORS},
    summary="Occupations for a job title, best first (title normalisation)",
)
def taxonomy_occupations(request: HttpRequest, q: str = "", k: int = 10) -> list[OccupationOption]:
    """Occupations that match a job title, best first (title normalisation), to pick a career
    goal."""
    return [OccupationOption(**o) for o in engine.search_occupations(q[:100], max(1, min(k, 25)))]
