"""Writes for candidate profiles: the details, skills, career goals, education,
availability windows and the resume with its suggested skills.

Every write acts on the actor's own profile (created on first use); nobody
changes someone else's profile.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import date
from pathlib import PurePath
from typing import Protocol, TypeVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError, Forbidden, NotFound
from stint.core.tasks import enqueue_on_commit
from stint.matching import engine
from stint.matching.tasks import candidate_changed
from stint.orgs.selectors import affiliations_of
from stint.profiles import rules
from stint.profiles.models import (
    AvailabilityWindow,
    CandidateProfile,
    CareerGoal,
    Education,
    RemotePreference,
    SkillClaim,
    SkillSource,
)
from stint.profiles.tasks import delete_resume_file

NOT_CANDIDATE = "Only candidates keep a profile. Become a candidate in your account settings."


def _own(actor: User, *, lock: bool = True) -> CandidateProfile:
    """The actor's profile, created on first use. Writers lock it for the rest
    of the transaction so that limits (five goals, ...) hold under concurrent
    requests."""
    if not actor.is_authenticated or not actor.is_candidate:
        raise Forbidden(NOT_CANDIDATE)
    profile, created = CandidateProfile.objects.get_or_create(user=actor)
    if created or not lock:
        return profile
    return CandidateProfile.objects.select_for_update().get(pk=profile.pk)


def _touch(profile: CandidateProfile) -> None:
    profile.updated_at = timezone.now()
    profile.save(update_fields=["updated_at"])
    _changed(profile)


def _changed(profile: CandidateProfile) -> None:
    """The matching indexes follow profile changes through a task after commit."""
    enqueue_on_commit(candidate_changed, profile.user_id)


M = TypeVar("M", bound=models.Model)


def _child(model: type[M], profile: CandidateProfile, pk: int, what: str) -> M:
    found = model._default_manager.filter(profile=profile, pk=pk).first()
    if found is None:
        raise NotFound(f"No such {what} on your profile.")
    return found


@transaction.atomic
def profile_get_or_create(*, actor: User) -> CandidateProfile:
    return _own(actor, lock=False)


# --- The details ------------------------------------------------------------------------


def _text(value: str, *, field: str, label: str, limit: int) -> str:
    value = value.strip()
    if len(value) > limit:
        raise DomainError(f"{field}_too_long", f"{label} is at most {limit} characters.", field)
    return value


def _tags(values: list[str], *, field: str, label: str) -> list[str]:
    tags = rules.normalise_tags(values)
    if len(tags) > rules.MAX_TAGS:
        raise DomainError(f"too_many_{field}", f"Choose at most {rules.MAX_TAGS} {label}.", field)
    for tag in tags:
        if len(tag) > rules.MAX_TAG_LENGTH:
            raise DomainError(
                f"{field}_too_long",
                f"“{tag[:20]}…” is too long: {label} are at most {rules.MAX_TAG_LENGTH} characters.",
                field,
            )
    return tags


def _links(values: list[str]) -> list[str]:
    links: list[str] = []
    for raw in values:
        if not raw.strip():
            continue
        url = rules.normalise_link(raw)
        if url is None:
            raise DomainError(
                "bad_link", f"“{raw.strip()[:60]}” is not a web address (https://…).", "links"
            )
        if url not in links:
            links.append(url)
    if len(links) > rules.MAX_LINKS:
        raise DomainError("too_many_links", f"Add at most {rules.MAX_LINKS} links.", "links")
    return links


@transaction.atomic
def profile_update(
    *,
    actor: User,
    headline: str | None = None,
    bio: str | None = None,
    location_country: str | None = None,
    location_city: str | None = None,
    time_zone: str | None = None,
    remote_preference: str | None = None,
    hours_per_week: int | None = None,
    interests: list[str] | None = None,
    industries: list[str] | None = None,
    links: list[str] | None = None,
) -> CandidateProfile:
    """Change the fields given (None leaves a field as it is). All are checked
    before anything is saved."""
    profile = _own(actor)
    if headline is not None:
        profile.headline = _text(headline, field="headline", label="A headline", limit=140)
    if bio is not None:
        profile.bio = _text(bio, field="bio", label="A bio", limit=4000)
    if location_country is not None:
        country = rules.normalise_country(location_country)
        if country is None:
            raise DomainError(
                "bad_country",
                "Use the two-letter country code, e.g. GB, DE or KE.",
                "location_country",
            )
        profile.location_country = country
    if location_city is not None:
        profile.location_city = _text(
            location_city, field="location_city", label="A city", limit=100
        )
    if time_zone is not None:
        time_zone = time_zone.strip()
        if not rules.is_time_zone(time_zone):
            raise DomainError(
                "bad_time_zone",
                f"“{time_zone[:64]}” is not a time zone; use a name such as Europe/London.",
                "time_zone",
            )
        profile.time_zone = time_zone
    if remote_preference is not None:
        if remote_preference not in RemotePreference.values:
            raise DomainError(
                "bad_remote_preference",
                "Choose remote, hybrid, on-site, or any.",
                "remote_preference",
            )
        profile.remote_preference = remote_preference
    if hours_per_week is not None:
        if not rules.MIN_HOURS <= hours_per_week <= rules.MAX_HOURS:
            raise DomainError(
                "bad_hours",
                f"Weekly hours are between {rules.MIN_HOURS} and {rules.MAX_HOURS}.",
                "hours_per_week",
            )
        profile.hours_per_week = hours_per_week
    if interests is not None:
        profile.interests = _tags(interests, field="interests", label="interests")
    if industries is not None:
        profile.industries = _tags(industries, field="industries", label="industries")
    if links is not None:
        profile.links = _links(links)
    profile.updated_at = timezone.now()
    profile.save()
    _changed(profile)
    return profile


# --- Skills -----------------------------------------------------------------------------


def _level(level: int) -> int:
    if not rules.is_skill_level(level):
        raise DomainError("bad_level", "A skill level is 1 (basic), 2, 3 or 4 (expert).", "level")
    return level


def _skill_label(skill_id: str) -> str:
    label = engine.skill_label(skill_id.strip()) if skill_id.strip() else None
    if label is None:
        raise DomainError(
            "unknown_skill", "Choose a skill from the list of suggestions.", "skill_id"
        )
    return label


@transaction.atomic
def skill_add(*, actor: User, skill_id: str, level: int) -> SkillClaim:
    profile = _own(actor)
    label = _skill_label(skill_id)
    _level(level)
    skill_id = skill_id.strip()
    if profile.skills.filter(skill_id=skill_id).exists():
        raise ConflictError(
            "skill_exists",
            f"{label} is already on your profile; change its level there.",
            "skill_id",
        )
    claim = SkillClaim.objects.create(
        profile=profile, skill_id=skill_id, label=label, level=level, source=SkillSource.SELF
    )
    _touch(profile)
    return claim


@transaction.atomic
def skill_update(*, actor: User, claim_id: int, level: int) -> SkillClaim:
    profile = _own(actor)
    claim = _child(SkillClaim, profile, claim_id, "skill")
    _level(level)
    if not rules.may_change_skill_level(claim.source) and level != claim.level:
        raise ConflictError(
            "skill_verified",
            f"An employer verified your {claim.label} level; it stays as they confirmed it.",
            "level",
        )
    claim.level = level
    claim.save(update_fields=["level"])
    _touch(profile)
    return claim


@transaction.atomic
def skill_remove(*, actor: User, claim_id: int) -> None:
    profile = _own(actor)
    _child(SkillClaim, profile, claim_id, "skill").delete()
    _touch(profile)


# --- Career goals -------------------------------------------------------------------------


@transaction.atomic
def goal_add(*, actor: User, occupation_id: str) -> CareerGoal:
    profile = _own(actor)
    occupation_id = occupation_id.strip()
    label = engine.occupation_label(occupation_id) if occupation_id else None
    if label is None:
        raise DomainError(
            "unknown_occupation",
            "Choose an occupation from the list of matches.",
            "occupation_id",
        )
    if profile.goals.filter(occupation_id=occupation_id).exists():
        raise ConflictError(
            "goal_exists", f"“{label}” is already one of your goals.", "occupation_id"
        )
    if profile.goals.count() >= rules.MAX_GOALS:
        raise ConflictError(
            "too_many_goals",
            f"Keep at most {rules.MAX_GOALS} career goals; remove one first.",
            "occupation_id",
        )
    goal = CareerGoal.objects.create(profile=profile, occupation_id=occupation_id, label=label)
    _touch(profile)
    return goal


@transaction.atomic
def goal_remove(*, actor: User, goal_id: int) -> None:
    profile = _own(actor)
    _child(CareerGoal, profile, goal_id, "career goal").delete()
    _touch(profile)


# --- Education ------------------------------------------------------------------------------


@transaction.atomic
def education_add(
    *,
    actor: User,
    institution_name: str,
    degree: str = "",
    major: str = "",
    graduation_year: int | None = None,
) -> Education:
    profile = _own(actor)
    name = _text(
        institution_name, field="institution_name", label="An institution's name", limit=160
    )
    if len(name) < 2:
        raise DomainError(
            "institution_required", "Name the school or university.", "institution_name"
        )
    degree = _text(degree, field="degree", label="A degree", limit=120)
    major = _text(major, field="major", label="A major", limit=120)
    if not rules.graduation_year_ok(graduation_year, timezone.localdate()):
        raise DomainError(
            "bad_graduation_year",
            f"Give a graduation year between {rules.FIRST_GRADUATION_YEAR} and "
            f"{timezone.localdate().year + 10}.",
            "graduation_year",
        )
    if profile.education.count() >= rules.MAX_EDUCATION:
        raise ConflictError(
            "too_many_education",
            f"Keep at most {rules.MAX_EDUCATION} education entries.",
            "institution_name",
        )
    # Link the entry to an institution on Stint the candidate is a verified student of.
    institution = next(
        (
            a.institution
            for a in affiliations_of(actor)
            if a.institution.name.casefold() == name.casefold()
        ),
        None,
    )
    entry = Education.objects.create(
        profile=profile,
        institution_name=name,
        institution=institution,
        degree=degree,
        major=major,
        graduation_year=graduation_year,
    )
    _touch(profile)
    return entry


@transaction.atomic
def education_remove(*, actor: User, education_id: int) -> None:
    profile = _own(actor)
    _child(Education, profile, education_id, "education entry").delete()
    _touch(profile)


# --- Availability ----------------------------------------------------------------------------


@transaction.atomic
def window_add(*, actor: User, start: date, end: date) -> AvailabilityWindow:
    profile = _own(actor)
    others = list(profile.windows.values_list("start", "end"))
    problem = rules.window_problem(start, end, others, timezone.localdate())
    if problem is not None:
        field, message = problem
        raise DomainError("bad_window", message, field)
    if len(others) >= rules.MAX_WINDOWS:
        raise ConflictError(
            "too_many_windows", f"Keep at most {rules.MAX_WINDOWS} date windows.", "start"
        )
    window = AvailabilityWindow.objects.create(profile=profile, start=start, end=end)
    _touch(profile)
    return window


@transaction.atomic
def window_remove(*, actor: User, window_id: int) -> None:
    profile = _own(actor)
    _child(AvailabilityWindow, profile, window_id, "date window").delete()
    _touch(profile)


# --- Resume ------------------------------------------------------------------------------------


class Upload(Protocol):
    """What a resume upload needs: Django's UploadedFile (HTML form or API) fits."""

    name: str | None
    size: int | None

    def read(self, size: int = -1) -> bytes: ...


def _resume_bytes(file: Upload) -> tuple[str, bytes, str]:
    limit = settings.STINT_RESUME_MAX_BYTES
    too_large = DomainError(
        "resume_too_large",
        f"Resumes are at most {limit / (1024 * 1024):.0f} MB; upload a smaller file.",
        "resume",
    )
    if file.size is not None and file.size > limit:
        raise too_large
    data = file.read(limit + 1)
    if len(data) > limit:
        raise too_large
    filename = PurePath(file.name or "resume").name[:200]
    kind = rules.resume_kind(filename, data)
    if kind is None:
        raise DomainError(
            "resume_type",
            "Upload your resume as a PDF, Word (.docx) or plain-text (.txt) file.",
            "resume",
        )
    return filename, data, kind


@transaction.atomic
def resume_upload(*, actor: User, file: Upload) -> CandidateProfile:
    """Store a new resume (the old file is deleted after commit), keep its text,
    and list the skills found in it as suggestions for the candidate to confirm.
    No skill is added to the profile here."""
    profile = _own(actor)
    filename, data, kind = _resume_bytes(file)
    try:
        text = engine.resume_to_text(data, filename)
    except ValueError as exc:
        raise DomainError(
            "resume_unreadable", f"We could not read your resume: {exc}.", "resume"
        ) from exc
    claimed = set(profile.skills.values_list("skill_id", flat=True))
    found = engine.suggest_skills(text)
    suggestions = [s for s in found if s["id"] not in claimed]
    on_profile = [s for s in found if s["id"] in claimed]
    old_name = profile.resume.name
    profile.resume.save(f"{secrets.token_hex(16)}.{kind}", ContentFile(data), save=False)
    profile.resume_filename = filename
    profile.resume_text = text
    profile.resume_suggestions = suggestions
    profile.resume_on_profile = on_profile
    profile.resume_uploaded_at = profile.updated_at = timezone.now()
    try:
        profile.save()
    except Exception:
        profile.resume.storage.delete(profile.resume.name)
        raise
    if old_name:
        enqueue_on_commit(delete_resume_file, old_name)
    return profile


@transaction.atomic
def resume_confirm(*, actor: User, levels: Mapping[str, int]) -> list[SkillClaim]:
    """Add the suggested skills the candidate confirmed (skill id → level) with
    source "resume". The rest of the suggestions are dismissed. A skill already
    on the profile keeps its current claim."""
    profile = _own(actor)
    suggested = {s["id"]: s for s in profile.resume_suggestions}
    for skill_id, level in levels.items():
        if skill_id not in suggested:
            raise DomainError(
                "not_suggested",
                "Confirm only skills suggested from your resume; add others in Skills.",
                "skills",
            )
        if not rules.is_skill_level(level):
            raise DomainError(
                "bad_level", "A skill level is 1 (basic), 2, 3 or 4 (expert).", "level"
            )
    claimed = set(profile.skills.values_list("skill_id", flat=True))
    created = []
    for skill_id, level in levels.items():
        if skill_id in claimed:
            continue
        label = engine.skill_label(skill_id) or suggested[skill_id]["label"]
        try:
            with transaction.atomic():
                created.append(
                    SkillClaim.objects.create(
                        profile=profile,
                        skill_id=skill_id,
                        label=label,
                        level=level,
                        source=SkillSource.RESUME,
                    )
                )
        except IntegrityError:  # pragma: no cover - the profile row is locked
            continue
    profile.resume_suggestions = []
    profile.resume_on_profile = []
    profile.updated_at = timezone.now()
    profile.save(update_fields=["resume_suggestions", "resume_on_profile", "updated_at"])
    _changed(profile)
    return created


@transaction.atomic
def resume_remove(*, actor: User) -> None:
    """Forget the resume: the file (after commit), its text and any pending suggestions."""
    profile = _own(actor)
    old_name = profile.resume.name
    if not old_name:
        raise ConflictError("no_resume", "There is no resume to remove.", "resume")
    profile.resume = ""
    profile.resume_filename = ""
    profile.resume_text = ""
    profile.resume_suggestions = []
    profile.resume_on_profile = []
    profile.resume_uploaded_at = None
    profile.updated_at = timezone.now()
    profile.save()
    _changed(profile)
    enqueue_on_commit(delete_resume_file, old_name)
