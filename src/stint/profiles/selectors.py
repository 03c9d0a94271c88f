from __future__ import annotations

from typing import Any

from stint.accounts.models import User
from stint.core.errors import NotFound
from stint.profiles import rules
from stint.profiles.models import CandidateProfile


def profile_of(user: User) -> CandidateProfile | None:
    """The user's own profile, if they have one (no access check: for the owner)."""
    if not user.is_authenticated:
        return None
    return CandidateProfile.objects.filter(user=user).first()


def access_profile(*, actor: User, user_id: int, for_update: bool = False) -> CandidateProfile:
    """Fetch the profile of `user_id` if the actor may see it: its owner and
    platform admins. Anyone else gets NotFound, so ids do not reveal who has a
    profile.

    Employers will see a profile through an application to one of their
    opportunities; `applications` sits above `profiles`, so that check belongs
    here as a look-up through the app registry feeding `via_application`.
    """
    if not actor.is_authenticated:
        raise NotFound("No such profile.")
    qs = CandidateProfile.objects.select_related("user")
    if for_update:
        qs = qs.select_for_update()
    profile = qs.filter(user_id=user_id).first()
    if profile is None or not rules.may_view_profile(
        is_owner=profile.user_id == actor.pk, is_admin=actor.is_staff
    ):
        raise NotFound("No such profile.")
    return profile


def profile_sections(profile: CandidateProfile) -> dict[str, Any]:
    """Everything the profile page and the API show, in a fixed number of queries."""
    return {
        "education": list(profile.education.all()),
        "skills": list(profile.skills.all()),
        "goals": list(profile.goals.order_by("created_at", "pk")),
        "windows": list(profile.windows.all()),
    }


def completeness_of(
    profile: CandidateProfile, sections: dict[str, Any] | None = None
) -> rules.Completeness:
    if sections is None:
        counts = {
            "skills": profile.skills.count(),
            "goals": profile.goals.count(),
            "education": profile.education.count(),
            "windows": profile.windows.count(),
        }
    else:
        counts = {key: len(sections[key]) for key in ("skills", "goals", "education", "windows")}
    return rules.completeness(
        rules.ProfileFacts(
            has_headline=bool(profile.headline.strip()),
            has_bio=bool(profile.bio.strip()),
            has_location=bool(profile.location_country),
            has_resume=bool(profile.resume),
            links=len(profile.links),
            interests=len(profile.interests) + len(profile.industries),
            **counts,
        )
    )


def dashboard_candidate(user: User) -> dict[str, Any]:
    """The candidate panel of the dashboard: the completeness meter and the next step.

    Read-only: a candidate without a profile yet is shown an empty one's meter.
    """
    profile = profile_of(user)
    meter = completeness_of(profile) if profile else rules.completeness(rules.ProfileFacts())
    return {
        "percent": meter.percent,
        "next_step": meter.next_step,
        "has_profile": profile is not None,
        "pending_suggestions": len(profile.resume_suggestions) if profile else 0,
    }
