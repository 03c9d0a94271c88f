"""Education entries, linked to an institution on Stint when the candidate is its verified student."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError
from stint.orgs.selectors import affiliations_of
from stint.profiles import rules
from stint.profiles.models import Education
from stint.profiles.services.common import _child, _own, _text, _touch


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
