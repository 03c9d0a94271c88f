"""A candidate's details: headline, bio, location and time zone, remote preference and hours,
interests and industries, links."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import DomainError
from stint.profiles import rules
from stint.profiles.models import CandidateProfile, RemotePreference
from stint.profiles.services.common import _changed, _own, _text


@transaction.atomic
def profile_get_or_create(*, actor: User) -> CandidateProfile:
    return _own(actor, lock=False)


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
