"""allauth's social-account adapter for institutions' identity providers: which
address an IdP may vouch for, and when a sign-in may open an existing account."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone

from stint.sso import rules, selectors


@dataclass(frozen=True)
class _Found:
    said: rules.Asserted
    domains: list[str]
    staff: bool  # the IdP says staff, for an address in the institution's domains


def _asserted(sociallogin: SocialLogin) -> _Found | None:
    sign_on = selectors.sign_on_for_provider(sociallogin.account.provider)
    if sign_on is None or not sign_on.enabled:
        return None
    claims = selectors.claims_of(sociallogin.account.extra_data or {})
    said = rules.asserted(claims, sign_on.mapping, today=timezone.localdate())
    domains = selectors.verified_domains(sign_on.institution_id)
    staff = rules.signs_in_as_staff(
        claims=claims,
        staff_claim=sign_on.staff_claim,
        staff_values=sign_on.staff_values,
        email=said.email,
        verified_domains=domains,
    )
    return _Found(said, domains, staff)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def authenticate_by_email(self, sociallogin: SocialLogin) -> Any:
        """Open an existing account by its address only when the institution owns that
        address's domain and its holder verified it here; never on the IdP's word alone
        (allauth would accept any `email_verified: true`)."""
        found = _asserted(sociallogin)
        if found is None:
            return None
        said, domains = found.said, found.domains
        address = (
            EmailAddress.objects.filter(email__iexact=said.email, verified=True)
            .select_related("user")
            .first()
        )
        if address is None or not rules.may_sign_into_existing(
            email=said.email, verified_domains=domains, existing_address_verified=True
        ):
            return None
        return address.user, address.email

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Refuse a sign-on that is switched off (or not an institution's). For a new
        account, use the mapped email and name claims, and count the address as verified
        only inside the institution's own verified domains."""
        found = _asserted(sociallogin)
        if found is None:
            raise ImmediateHttpResponse(
                render(
                    request, "sso/sign_on_off.html", {"login_url": "/accounts/login/"}, status=403
                )
            )
        if sociallogin.is_existing:
            return
        said, domains = found.said, found.domains
        sociallogin.email_addresses = (
            [
                EmailAddress(
                    email=said.email,
                    verified=rules.email_trusted(said.email, domains),
                    primary=True,
                )
            ]
            if said.email
            else []
        )
        user = sociallogin.user
        user.email = said.email
        if said.name:
            user.full_name = said.name
        # Accounts made through an institution's sign-in are its students, unless its
        # IdP says staff (the membership follows once signed in: services).
        user.is_candidate = not found.staff
