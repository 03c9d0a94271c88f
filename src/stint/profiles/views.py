from __future__ import annotations

import mimetypes
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from stint.core.errors import Forbidden, NotFound
from stint.core.files import private_download
from stint.core.forms import apply_domain_error, flash_refusal, submit_showing_every_error
from stint.matching import engine
from stint.profiles import rules, selectors, services
from stint.profiles.forms import (
    LEVEL_CHOICES,
    EducationForm,
    GoalForm,
    ProfileForm,
    ResumeForm,
    SkillForm,
    SkillLevelForm,
    WindowForm,
)
from stint.profiles.models import CandidateProfile

_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".txt": "text/plain; charset=utf-8",
}


def resume_response(profile: CandidateProfile) -> HttpResponse:
    """The resume as a download, for a profile already fetched through `access_profile`."""
    if not profile.resume:
        raise NotFound("There is no resume on this profile.")
    suffix = "." + profile.resume.name.rsplit(".", 1)[-1].lower()
    return private_download(
        profile.resume,
        filename=profile.resume_filename or f"resume{suffix}",
        content_type=_CONTENT_TYPES.get(suffix)
        or mimetypes.guess_type(profile.resume.name)[0]
        or "application/octet-stream",
    )


def _page(request: HttpRequest, profile: CandidateProfile, **forms: Any) -> HttpResponse:
    """The candidate's own profile page, with any bound forms that carry errors."""
    sections = selectors.profile_sections(profile)
    context = {
        "profile": profile,
        "editable": True,
        "meter": selectors.completeness_of(profile, sections),
        "level_choices": LEVEL_CHOICES,
        "skill_form": SkillForm(),
        "goal_form": GoalForm(),
        "education_form": EducationForm(),
        "window_form": WindowForm(),
        "resume_form": ResumeForm(),
        "skill_options": [],
        "occupation_options": [],
        **sections,
        **forms,
    }
    return render(request, "profiles/profile.html", context)


def _own_profile(request: HttpRequest) -> CandidateProfile:
    return services.profile_get_or_create(actor=request.user)


@login_required
@require_GET
def profile_mine(request: HttpRequest) -> HttpResponse:
    try:
        profile = _own_profile(request)
    except Forbidden:
        return render(request, "profiles/not_candidate.html", status=403)
    return _page(request, profile)


@login_required
@require_GET
def profile_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    """Someone's profile as its viewers see it (read-only)."""
    profile = selectors.access_profile(actor=request.user, user_id=user_id)
    sections = selectors.profile_sections(profile)
    return render(
        request,
        "profiles/profile.html",
        {
            "profile": profile,
            "editable": False,
            "meter": selectors.completeness_of(profile, sections),
            **sections,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    profile = _own_profile(request)
    form = ProfileForm(request.POST or None, initial=ProfileForm.initial_from(profile))
    if request.method == "POST" and form.is_valid():
        saved = submit_showing_every_error(
            form, services.profile_update, fixed={"actor": request.user}, fields=form.cleaned_data
        )
        if saved is not None:
            messages.success(request, "Your profile is saved.")
            return redirect("profile_mine")
    return render(
        request,
        "profiles/edit.html",
        {"form": form, "time_zones": rules.time_zone_names()},
    )


# --- Skills ------------------------------------------------------------------------------------

# How many matches an autocomplete offers for the typed text.
CHOICES_SHOWN = 8


def _choice_matches(
    chosen_id: str, q: str, search: Callable[[str, int], Sequence[Mapping[str, Any]]], k: int
) -> bool:
    """Whether `chosen_id` is one of the matches offered for the text submitted
    with it. Without text (an old page, no JavaScript) the choice stands."""
    if not q.strip():
        return True
    return any(option["id"] == chosen_id for option in search(q, k))


def _nothing_matches(q: str, hint: str) -> str:
    return f"Nothing matches “{q.strip()}”, so nothing was added. {hint}" if q.strip() else hint


@login_required
@require_POST
def skill_add(request: HttpRequest) -> HttpResponse:
    profile = _own_profile(request)
    form = SkillForm(request.POST)
    options: list[dict[str, str]] = []
    if form.is_valid():
        data = form.cleaned_data
        known = bool(data["skill_id"]) and engine.skill_label(data["skill_id"]) is not None
        if known and not _choice_matches(
            data["skill_id"], data["q"], engine.search_skills, CHOICES_SHOWN
        ):
            # A choice left over from earlier text (typed "Figm", saw Figma, then
            # replaced the text): the person no longer means it (issue 14 item 8).
            data["skill_id"] = ""
        if not data["skill_id"]:
            # No choice made (typed without picking, or without JavaScript): offer the matches.
            options = engine.search_skills(data["q"], CHOICES_SHOWN)
            form.add_error(
                "q",
                "Pick one of the matching skills below."
                if options
                else _nothing_matches(data["q"], "Type a skill, then pick it from the list."),
            )
        else:
            with apply_domain_error(form):
                claim = services.skill_add(
                    actor=request.user, skill_id=data["skill_id"], level=data["level"]
                )
                messages.success(request, f"{claim.label} added.")
                return redirect("profile_mine")
    return _page(request, profile, skill_form=form, skill_options=options)


@login_required
@require_POST
def skill_level(request: HttpRequest, claim_id: int) -> HttpResponse:
    form = SkillLevelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a level from 1 (basic) to 4 (expert).")
        return redirect("profile_mine")
    with flash_refusal(request):
        claim = services.skill_update(
            actor=request.user, claim_id=claim_id, level=form.cleaned_data["level"]
        )
        messages.success(request, f"{claim.label} is now level {claim.level}.")
    return redirect("profile_mine")


@login_required
@require_POST
def skill_remove(request: HttpRequest, claim_id: int) -> HttpResponse:
    services.skill_remove(actor=request.user, claim_id=claim_id)
    messages.success(request, "Skill removed.")
    return redirect("profile_mine")


@login_required
@require_GET
def skill_search(request: HttpRequest) -> HttpResponse:
    """Autocomplete fragment (htmx): the skills matching `q` as choices."""
    q = request.GET.get("q", "")[:100]
    return render(
        request,
        "profiles/_skill_options.html",
        {"skill_options": engine.search_skills(q, CHOICES_SHOWN), "q": q.strip()},
    )


# --- Career goals --------------------------------------------------------------------------------


@login_required
@require_POST
def goal_add(request: HttpRequest) -> HttpResponse:
    profile = _own_profile(request)
    form = GoalForm(request.POST)
    options: list[dict[str, Any]] = []
    if form.is_valid():
        data = form.cleaned_data
        if data["occupation_id"] and not _choice_matches(
            data["occupation_id"], data["q"], engine.search_occupations, CHOICES_SHOWN
        ):
            data["occupation_id"] = ""  # left over from earlier text, as for skills
        if not data["occupation_id"]:
            options = engine.search_occupations(data["q"], CHOICES_SHOWN)
            form.add_error(
                "q",
                "Pick the occupation closest to what you mean."
                if options
                else _nothing_matches(
                    data["q"], "Type a job title, then pick the closest occupation."
                ),
            )
        else:
            with apply_domain_error(form):
                goal = services.goal_add(actor=request.user, occupation_id=data["occupation_id"])
                messages.success(request, f"Goal added: {goal.label}.")
                return redirect("profile_mine")
    return _page(request, profile, goal_form=form, occupation_options=options)


@login_required
@require_POST
def goal_remove(request: HttpRequest, goal_id: int) -> HttpResponse:
    services.goal_remove(actor=request.user, goal_id=goal_id)
    messages.success(request, "Goal removed.")
    return redirect("profile_mine")


@login_required
@require_GET
def occupation_search(request: HttpRequest) -> HttpResponse:
    """Autocomplete fragment (htmx): occupations for a typed job title, best first."""
    q = request.GET.get("q", "")[:100]
    return render(
        request,
        "profiles/_occupation_options.html",
        {"occupation_options": engine.search_occupations(q, CHOICES_SHOWN), "q": q.strip()},
    )


# --- Education -------------------------------------------------------------------------------------


@login_required
@require_POST
def education_add(request: HttpRequest) -> HttpResponse:
    profile = _own_profile(request)
    form = EducationForm(request.POST)
    if form.is_valid():
        with apply_domain_error(form):
            services.education_add(actor=request.user, **form.cleaned_data)
            messages.success(request, "Education added.")
            return redirect("profile_mine")
    return _page(request, profile, education_form=form)


@login_required
@require_POST
def education_remove(request: HttpRequest, education_id: int) -> HttpResponse:
    services.education_remove(actor=request.user, education_id=education_id)
    messages.success(request, "Education removed.")
    return redirect("profile_mine")


# --- Availability windows ---------------------------------------------------------------------------


@login_required
@require_POST
def window_add(request: HttpRequest) -> HttpResponse:
    profile = _own_profile(request)
    form = WindowForm(request.POST)
    if form.is_valid():
        with apply_domain_error(form):
            services.window_add(actor=request.user, **form.cleaned_data)
            messages.success(request, "Date window added.")
            return redirect("profile_mine")
    return _page(request, profile, window_form=form)


@login_required
@require_POST
def window_remove(request: HttpRequest, window_id: int) -> HttpResponse:
    services.window_remove(actor=request.user, window_id=window_id)
    messages.success(request, "Date window removed.")
    return redirect("profile_mine")


# --- Resume ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def resume(request: HttpRequest) -> HttpResponse:
    """GET downloads your own resume; POST uploads a new one."""
    if request.method == "GET":
        return resume_response(
            selectors.access_profile(actor=request.user, user_id=request.user.pk)
        )
    profile = _own_profile(request)
    form = ResumeForm(request.POST, request.FILES)
    if form.is_valid():
        with apply_domain_error(form):
            profile = services.resume_upload(actor=request.user, file=form.cleaned_data["resume"])
            messages.success(request, _resume_message(profile))
            return redirect("profile_mine")
    return _page(request, profile, resume_form=form)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _resume_message(profile: CandidateProfile) -> str:
    """What the upload found: new skills to confirm and those already on the profile."""
    new, present = len(profile.resume_suggestions), len(profile.resume_on_profile)
    if new and present:
        return (
            f"Resume uploaded. We found {_plural(new, 'new skill')} for you to confirm; "
            f"{_plural(present, 'skill')} in it {'are' if present != 1 else 'is'} "
            "already on your profile."
        )
    if new:
        return f"Resume uploaded. We found {_plural(new, 'skill')} for you to confirm."
    if present:
        return (
            f"Resume uploaded. The {_plural(present, 'skill')} we found in it "
            f"{'are' if present != 1 else 'is'} already on your profile."
        )
    return "Resume uploaded. We found no skills named in it; add them below."


@login_required
@require_POST
def resume_confirm(request: HttpRequest) -> HttpResponse:
    levels: dict[str, int] = {}
    for skill_id in request.POST.getlist("skill_id"):
        raw = request.POST.get(f"level_{skill_id}", "2")
        levels[skill_id] = int(raw) if raw.isdigit() else 0
    with flash_refusal(request):
        added = services.resume_confirm(actor=request.user, levels=levels)
        messages.success(
            request,
            f"Added {len(added)} skill{'s' if len(added) != 1 else ''} from your resume."
            if added
            else "Suggestions dismissed.",
        )
    return redirect("profile_mine")


@login_required
@require_POST
def resume_remove(request: HttpRequest) -> HttpResponse:
    with flash_refusal(request):
        services.resume_remove(actor=request.user)
        messages.success(request, "Resume removed.")
    return redirect("profile_mine")


@login_required
@require_GET
def resume_download(request: HttpRequest, user_id: int) -> HttpResponse:
    return resume_response(selectors.access_profile(actor=request.user, user_id=user_id))
