"""allauth announces a confirmed email by a signal; this is the one receiver,
and it only calls the service (see docs/decisions/0002-allauth-signal.md)."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import email_confirmed
from django.dispatch import receiver


@receiver(email_confirmed)
def link_institution_on_confirm(
    sender: Any, request: Any, email_address: Any, **kwargs: Any
) -> None:
    from stint.orgs.services import affiliation_link_from_email

    affiliation_link_from_email(user=email_address.user, email=email_address.email)
