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


def has_second_factor(user: User) -> bool:
    """An authenticator app or a security key (recovery codes alone are a backup,
    not a factor)."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def mfa_required_for(user: User) -> bool:
    """accounts.rules.mfa_required with this user's facts: staff flag and employer roles."""
    from django.conf import settings

    from stint.accounts import rules

    if not user.is_authenticated:
        return False
    enabled = bool(getattr(settings, "STINT_MFA_REQUIRED", True))
    if not enabled:
        return False
    employer_roles: list[str] = []
    if apps.is_installed("stint.orgs"):
        membership = apps.get_model("orgs", "Membership")
        employer_roles = list(
            membership.objects.filter(user=user, organisation__kind="employer").values_list(
                "role", flat=True
            )
        )
    return rules.mfa_required(
        enabled=enabled,
        is_platform_admin=user.is_staff,
        employer_roles=employer_roles,
        is_app=user.is_app,
    )


def mfa_setup_missing_for(user: User) -> bool:
    from stint.accounts import rules

    required = mfa_required_for(user)
    return rules.mfa_setup_missing(
        required=required, has_second_factor=required and has_second_factor(user)
    )
