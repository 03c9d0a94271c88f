"""Accepting a validated launch: who signs in (never taking over an unverified
account, never skipping a second factor), their course and role, the resource
link and a deep-linking request."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import DomainError
from stint.lti import rules
from stint.lti.models import (
    Course,
    CourseMember,
    CourseRole,
    DeepLinkRequest,
    LtiAccount,
    Platform,
    ResourceLink,
)
from stint.orgs.models import Affiliation, InstitutionDomain
from stint.orgs.rules import domain_covers


@dataclass(frozen=True)
class Launched:
    user: User
    course: Course
    role: str  # "learner" | "instructor"
    resource_link: ResourceLink | None
    deep_link: DeepLinkRequest | None
    custom: Mapping[str, Any]


class LaunchRefused(DomainError):
    status = 403


def _verified_owner(email: str) -> User | None:
    """The account whose *verified* address this is, if any."""
    row = (
        EmailAddress.objects.filter(email__iexact=email, verified=True)
        .select_related("user")
        .first()
    )
    return row.user if row else None


def _user_for(platform: Platform, sub: str, email: str, name: str, role: str) -> User:
    """Who signs in: the account already linked to (platform, sub); else the
    account whose verified address the platform sends; else a new account. An
    account holding the address unverified is never taken over."""
    account = LtiAccount.objects.select_related("user").filter(platform=platform, sub=sub).first()
    if account is not None:
        account.last_launch_at = timezone.now()
        account.save(update_fields=["last_launch_at"])
        return account.user
    if not email:
        raise LaunchRefused(
            "email_missing",
            "The course did not share your email address, which Stint needs to sign you in. "
            "Ask the course administrator to share names and emails with Stint.",
            "email",
        )
    user = _verified_owner(email)
    if user is None:
        if User.objects.filter(email__iexact=email).exists():
            raise LaunchRefused(
                "email_unverified",
                f"A Stint account with {email} exists but its address is not verified. Sign in "
                "to Stint, verify the address, then open Stint from the course again.",
                "email",
            )
        user = User.objects.create_user(
            email=email, full_name=name[:150], is_candidate=(role == CourseRole.LEARNER)
        )
        # The university vouches for addresses in its own verified domains only.
        in_domain = any(
            domain_covers(d, email)
            for d in InstitutionDomain.objects.filter(
                organisation=platform.institution, verified_at__isnull=False
            ).values_list("domain", flat=True)
        )
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=in_domain)
    LtiAccount.objects.create(platform=platform, sub=sub, user=user)
    return user


def _check_may_sign_in(user: User, signed_in_id: int | None) -> None:
    """Accounts with a second factor, and platform admins, only continue a session
    they opened themselves: the platform's word must not skip their second factor.
    Raised inside the launch's transaction, so nothing of the launch is kept."""
    if signed_in_id == user.pk:
        return
    if user.is_staff or user.is_superuser or Authenticator.objects.filter(user=user).exists():
        raise LaunchRefused(
            "second_factor",
            "Your Stint account uses two-factor authentication. Sign in to Stint in this "
            "browser first, then open Stint from the course again.",
            "sub",
        )


@transaction.atomic
def launch_accept(
    *, platform: Platform, claims: Mapping[str, Any], signed_in_id: int | None = None
) -> Launched:
    """Record a validated launch: the person, their course and role in it, the
    resource link and its line item, and a deep-linking request if one was asked.
    `signed_in_id` is who the browser is already signed in as, if anyone."""
    role = rules.course_role(claims.get(rules.ROLES_CLAIM) or [])
    if role is None:
        raise LaunchRefused(
            "role_unsupported", "Stint opens for the course's students and teachers.", "roles"
        )
    sub = str(claims.get("sub") or "")
    if not sub:
        raise LaunchRefused("sub_missing", "The launch did not say who you are (sub).", "sub")
    context = claims.get(rules.CONTEXT_CLAIM) or {}
    if not context.get("id"):
        raise LaunchRefused(
            "context_missing", "Open Stint from inside a course (no context).", "context"
        )
    email = str(claims.get("email") or "").strip().lower()
    name = str(
        claims.get("name")
        or " ".join(str(claims.get(k) or "") for k in ("given_name", "family_name"))
    ).strip()
    user = _user_for(platform, sub, email, name, role)
    _check_may_sign_in(user, signed_in_id)
    if role == CourseRole.LEARNER:
        Affiliation.objects.get_or_create(
            user=user, institution=platform.institution, defaults={"email": user.email}
        )
    nrps = claims.get(rules.NRPS_CLAIM) or {}
    ags = claims.get(rules.AGS_CLAIM) or {}
    course, _ = Course.objects.get_or_create(
        platform=platform,
        context_id=str(context["id"])[:255],
        defaults={"deployment_id": str(claims.get(rules.DEPLOYMENT_CLAIM, ""))[:255]},
    )
    course.title = str(context.get("title") or context.get("label") or "")[:255]
    course.deployment_id = str(claims.get(rules.DEPLOYMENT_CLAIM, ""))[:255]
    if nrps.get("context_memberships_url"):
        course.memberships_url = str(nrps["context_memberships_url"])[:500]
    if ags.get("lineitems"):
        course.lineitems_url = str(ags["lineitems"])[:500]
        course.ags_scopes = [str(s) for s in ags.get("scope") or []]
    course.save()
    member, created = CourseMember.objects.get_or_create(
        course=course, user=user, defaults={"role": role}
    )
    if not created and member.role != role:
        member.role = role
        member.save(update_fields=["role"])
    link = None
    resource = claims.get(rules.RESOURCE_LINK_CLAIM) or {}
    if resource.get("id"):
        link, _ = ResourceLink.objects.update_or_create(
            course=course,
            resource_link_id=str(resource["id"])[:255],
            defaults={
                "title": str(resource.get("title") or "")[:255],
                "lineitem_url": str(ags.get("lineitem") or "")[:500],
            },
        )
    deep = None
    settings = claims.get(rules.DEEP_LINK_CLAIM)
    if settings is not None:
        if role != CourseRole.INSTRUCTOR:
            raise LaunchRefused(
                "teachers_only", "Only the course's teachers can add Stint content.", "roles"
            )
        deep = DeepLinkRequest.objects.create(
            token=secrets.token_urlsafe(32),
            course=course,
            user=user,
            return_url=str(settings.get("deep_link_return_url") or "")[:500],
            data=settings.get("data"),
            accept_multiple=str(settings.get("accept_multiple", True)).lower() != "false",
        )
    custom = claims.get(rules.CLAIM + "custom") or {}
    return Launched(user, course, role, link, deep, custom if isinstance(custom, dict) else {})
