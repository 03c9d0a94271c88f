"""Pure rules of institutions' single sign-on, tested without a database."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from stint.orgs.rules import domain_covers

PROTOCOLS = ("oidc", "saml")
# allauth's provider id for each protocol: the SocialApp's `provider`.
ALLAUTH_PROVIDER = {"oidc": "openid_connect", "saml": "saml"}
# A claim or attribute name: an OIDC claim ("email", "https://uni.edu/claims/programme")
# or a SAML attribute ("urn:oid:0.9.2342.19200300.100.1.3"). No spaces or control characters.
CLAIM_MAX = 200
_CLAIM_RE = re.compile(r"^[A-Za-z0-9_.:/#@-]{1,200}$")
_YEAR_RE = re.compile(r"^\s*(\d{4})")
DEFAULT_CLAIMS = {"email": "email", "name": "name", "programme": "", "graduation_year": ""}
SAML_DEFAULT_CLAIMS = {
    "email": "urn:oid:0.9.2342.19200300.100.1.3",  # mail
    "name": "urn:oid:2.16.840.1.113730.3.1.241",  # displayName
    "programme": "",
    "graduation_year": "",
}


def claim_name_ok(name: str) -> bool:
    return bool(_CLAIM_RE.match(name))


def provider_id_for(slug: str) -> str:
    """The institution's key in allauth's URLs (`/accounts/oidc/<id>/login/callback/`)."""
    return slug


@dataclass(frozen=True)
class Asserted:
    """What the institution's identity provider said about the person."""

    email: str
    name: str
    programme: str
    graduation_year: int | None


def _first(value: Any) -> str:
    # SAML attributes come as lists; OIDC claims as strings or numbers.
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    if value is None:
        return ""
    return str(value).strip()


def graduation_year(raw: str, *, today: date) -> int | None:
    """A plausible graduation year from "2027", "2027-06-30" or "2027/28"; None otherwise."""
    match = _YEAR_RE.match(raw)
    if not match:
        return None
    year = int(match.group(1))
    return year if today.year - 60 <= year <= today.year + 10 else None


def asserted(claims: Mapping[str, Any], mapping: Mapping[str, str], *, today: date) -> Asserted:
    """Read the mapped claims; an unmapped or missing claim reads as empty."""

    def get(key: str) -> str:
        name = mapping.get(key) or ""
        return _first(claims.get(name)) if name else ""

    return Asserted(
        email=get("email").lower(),
        name=get("name")[:150],
        programme=get("programme")[:120],
        graduation_year=graduation_year(get("graduation_year"), today=today),
    )


def email_trusted(email: str, verified_domains: Iterable[str]) -> bool:
    """An institution's IdP speaks for addresses in its own verified domains, and for
    no others: it cannot vouch for a gmail.com address, whatever `email_verified` says."""
    return bool(email) and any(domain_covers(d, email) for d in verified_domains)


def may_sign_into_existing(
    *, email: str, verified_domains: Iterable[str], existing_address_verified: bool
) -> bool:
    """Whether a sign-in from the IdP may open an existing Stint account with the same
    address: only an address the institution owns, and one its holder proved here.
    Anything else goes to sign-up, where the taken address is refused."""
    return existing_address_verified and email_trusted(email, verified_domains)


# Staff by attribute: e.g. eduPersonAffiliation (urn:oid:1.3.6.1.4.1.5923.1.1.1.1) with
# "staff", "faculty" or "employee". Values compare case-insensitively.
STAFF_VALUES_MAX = 20
STAFF_VALUE_MAX = 100


def claim_values(value: Any) -> list[str]:
    """Every value of a claim: SAML attributes are lists, OIDC claims a string or a list."""
    items = value if isinstance(value, list | tuple) else [value]
    return [str(v).strip() for v in items if v is not None and str(v).strip()]


def says_staff(claims: Mapping[str, Any], staff_claim: str, staff_values: Iterable[str]) -> bool:
    """Whether the IdP's mapped claim carries one of the values that mean staff."""
    if not staff_claim:
        return False
    wanted = {v.casefold() for v in staff_values if v}
    return any(v.casefold() in wanted for v in claim_values(claims.get(staff_claim)))


def signs_in_as_staff(
    *,
    claims: Mapping[str, Any],
    staff_claim: str,
    staff_values: Iterable[str],
    email: str,
    verified_domains: Iterable[str],
) -> bool:
    """Staff by the IdP's word, and only for an address inside the institution's own
    verified domains: an IdP cannot make a gmail.com address the university's staff."""
    return says_staff(claims, staff_claim, staff_values) and email_trusted(email, verified_domains)
