"""Pure rules about accounts, tested without a database."""

from __future__ import annotations

from collections.abc import Iterable

# Employer roles that may fund escrow and release money (orgs.rules.MANAGERS; repeated
# here because accounts sits below orgs in the layering).
MONEY_ROLES = frozenset({"owner", "admin"})

MFA_SETUP_MESSAGE = (
    "Set up two-factor authentication first: moving money and the admin site need a "
    "second factor (an authenticator app or a security key) on your account."
)


def mfa_required(
    *, enabled: bool, is_platform_admin: bool, employer_roles: Iterable[str], is_app: bool = False
) -> bool:
    """Must this person have a second factor? Platform admins and the owners and
    admins of employers (who fund escrow and release money) must, while the
    requirement is switched on (STINT_MFA_REQUIRED). Candidates and institution
    staff may choose it. An organisation's server app has none: the admin who
    registered it proved theirs then, and its client secret is its only key."""
    if not enabled or is_app:
        return False
    return is_platform_admin or bool(MONEY_ROLES & set(employer_roles))


def mfa_setup_missing(*, required: bool, has_second_factor: bool) -> bool:
    """The one gate: required and not yet set up."""
    return required and not has_second_factor
