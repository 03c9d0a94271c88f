from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps
from django.db.models import QuerySet

if TYPE_CHECKING:
    from stint.accounts.models import ApiToken, User


def user_roles(user: User) -> frozenset[str]:
    """Candidate by choice, employer/institution by membership, admin by staff flag.

    Memberships live in `orgs`, above us in the layering, so they are looked up
    through the app registry rather than imported.
    """
    roles: set[str] = set()
    if user.is_candidate:
        roles.add("candidate")
    if user.is_staff:
        roles.add("admin")
    if apps.is_installed("stint.orgs"):
        membership = apps.get_model("orgs", "Membership")
        kinds = set(
            membership.objects.filter(user=user).values_list("organisation__kind", flat=True)
        )
        roles.update(kinds)  # "employer" / "institution"
    return frozenset(roles)


def api_tokens_for(user: User) -> QuerySet[ApiToken]:
    from stint.accounts.models import ApiToken

    return ApiToken.objects.filter(user=user).order_by("-created_at")
