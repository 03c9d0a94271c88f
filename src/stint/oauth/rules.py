"""OAuth scopes, in one place: what each one lets an app do, and which one an API
request needs. Pure: tested without a database (tests/oauth/test_rules.py).

A request needs exactly one scope, chosen by the first row of `AREAS` whose pattern
matches its path below /api/v1/ (and whose methods include its method); a path that
matches no row needs `read` to read and `write` to change anything. App tokens never
reach the rows marked `None` (personal tokens, OAuth apps and grants, account deletion,
platform moderation): those stay with the person, in the browser or with a personal token."""

from __future__ import annotations

import re
from dataclasses import dataclass

SCOPES: dict[str, str] = {
    "read": "See your postings, applications, offers, engagements, messages and notifications",
    "write": "Act for you: post, apply, shortlist, offer, message, submit and review work",
    "payments": "Move money for you: fund escrow, release payments, payouts, payment set-up",
    "profile": "See and change your profile and account details",
    "institution": "Use university tools for you: programs, cohorts, consent, reports, courses",
}
# What an app gets when it asks for no scope at all.
DEFAULT_SCOPES: tuple[str, ...] = ("read",)

READS = frozenset({"GET", "HEAD", "OPTIONS"})
ANY = frozenset({"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"})
WRITES = ANY - READS


@dataclass(frozen=True)
class Area:
    pattern: re.Pattern[str]
    methods: frozenset[str]
    scope: str | None  # None: not open to app tokens at all


def _area(pattern: str, scope: str | None, methods: frozenset[str] = ANY) -> Area:
    return Area(re.compile(pattern), methods, scope)


# First match wins; paths are relative to /api/v1/, without a leading slash.
AREAS: tuple[Area, ...] = (
    # An app must not mint itself a never-expiring personal token, delete the account,
    # or act as platform staff.
    _area(r"^tokens(/|$)", None),
    _area(r"^apps(/|$)", None),  # registering apps and revoking grants: the person's call
    _area(r"^authorised-apps(/|$)", None),
    _area(r"^(orgs/[^/]+/)?server-apps(/|$)", None),  # an organisation's server apps
    _area(r"^privacy/account/delete$", None),
    _area(r"^moderation(/|$)", None),
    # Money: the operations that ask for a second factor on the site, and payment data.
    _area(r"^payments(/|$)", "payments"),
    _area(r"^orgs/[^/]+/payments(/|$)", "payments"),
    _area(r"^(orgs/[^/]+/)?receipts(/|$)", "payments"),  # charges, refunds, earnings
    _area(r"^applications/[^/]+/offers$", "payments", WRITES),  # charged on acceptance
    _area(r"^offers/[^/]+/revision$", "payments", WRITES),
    _area(
        r"^engagements/[^/]+/(approval|cancellation|split-proposals(/.*)?|dispute/resolution)$",
        "payments",
        WRITES,
    ),
    # The person's own account and profile.
    _area(r"^me(/|$)", "profile"),
    _area(r"^profile(/|$)", "profile"),
    _area(r"^privacy(/|$)", "profile"),
    # Universities: programs, cohorts, consent to institutions, LTI courses.
    _area(r"^institutions(/|$)", "institution"),
    _area(r"^programs(/|$)", "institution"),
    _area(r"^lti(/|$)", "institution"),
)


def required_scope(method: str, path: str) -> str | None:
    """The one scope an app token needs for `method path` (path below /api/v1/);
    None when app tokens may not make this request whatever their scopes."""
    path = path.lstrip("/")
    method = method.upper()
    for area in AREAS:
        if method in area.methods and area.pattern.match(path):
            return area.scope
    return "read" if method in READS else "write"


# What an organisation's server app (OAuth client credentials) may ask for, by the role
# its registrar gave it in the organisation: money only for an admin app.
SERVER_APP_ROLES: dict[str, tuple[str, ...]] = {
    "member": ("read", "write"),
    "admin": ("read", "write", "payments"),
}


def server_app_scopes(role: str, organisation_kind: str) -> tuple[str, ...]:
    """The scopes a server app holding `role` in an organisation of `organisation_kind`
    may be granted; institutions' apps also reach the university tools."""
    scopes = SERVER_APP_ROLES.get(role, ())
    if scopes and organisation_kind == "institution":
        scopes = (*scopes, "institution")
    return scopes


def unknown_scopes(requested: list[str] | tuple[str, ...]) -> list[str]:
    return [s for s in requested if s not in SCOPES]
