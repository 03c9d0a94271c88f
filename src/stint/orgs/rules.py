"""Pure rules about organisations, tested without a database."""

from __future__ import annotations

import re

MANAGERS = frozenset({"owner", "admin"})
ROLE_RANK = {"member": 0, "admin": 1, "owner": 2}

_DOMAIN_RE = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def can_manage(role: str | None) -> bool:
    return role in MANAGERS


def can_grant(actor_role: str | None, target_role: str) -> bool:
    """Managers may grant roles up to their own; only owners make owners."""
    if not can_manage(actor_role):
        return False
    assert actor_role is not None
    return ROLE_RANK[target_role] <= ROLE_RANK[actor_role]


def normalise_domain(raw: str) -> str | None:
    """A lower-case domain name, or None when it is not one."""
    domain = raw.strip().lower().lstrip("@").rstrip(".")
    return domain if _DOMAIN_RE.match(domain) else None


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].lower()


def domain_covers(domain: str, email: str) -> bool:
    """An address is covered by its exact domain or any parent domain (cs.uni.edu by uni.edu)."""
    host = email_domain(email)
    return host == domain or host.endswith("." + domain)
