"""allauth announces a completed sign-in by a signal; this receiver only calls the
service when the sign-in came through an identity provider (see
docs/decisions/0002-allauth-signal.md for the same pattern on email confirmation)."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import user_logged_in
from django.dispatch import receiver


@receiver(user_logged_in)
def record_institution_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is None:
        return
    from stint.sso.selectors import claims_of
    from stint.sso.services import institution_sign_in_record

    account = sociallogin.account
    institution_sign_in_record(
        user=user,
        provider_id=account.provider,
        subject=str(account.uid),
        claims=claims_of(account.extra_data or {}),
    )
