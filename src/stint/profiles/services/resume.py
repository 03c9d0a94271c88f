"""The resume: upload it (its text kept, the skills found in it suggested), confirm the suggestions
the candidate picks, or remove it."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import PurePath
from typing import Protocol

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError
from stint.core.tasks import enqueue_on_commit
from stint.matching import engine
from stint.profiles import rules
from stint.profiles.models import CandidateProfile, SkillClaim, SkillSource
from stint.profiles.services.common import _changed, _own
from stint.profiles.tasks import delete_resume_file


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
