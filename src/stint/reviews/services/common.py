"""Helpers shared by the areas of the review services: the engagement's review page and the
employer's members to tell."""

from __future__ import annotations

from django.urls import reverse

from stint.accounts.models import User
from stint.engagements.models import Engagement
from stint.orgs.models import Membership


def _review_url(engagement: Engagement) -> str:
    return reverse("review_engagement", args=[engagement.pk])


def _employer_members(engagement_or_org_id: int, *, exclude: User | None = None) -> list[User]:
    members = Membership.objects.filter(organisation_id=engagement_or_org_id).select_related("user")
    return [
        m.user for m in members if m.user.is_active and (exclude is None or m.user_id != exclude.pk)
    ]
