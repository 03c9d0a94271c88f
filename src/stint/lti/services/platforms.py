"""Registering a learning platform for an institution and the deployments it may launch with."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError
from stint.core.text import single_line, web_url
from stint.lti import rules
from stint.lti.models import Platform
from stint.lti.selectors import access_platform, access_platforms


@transaction.atomic
def platform_register(
    *,
    actor: User,
    institution_id: int,
    name: str,
    issuer: str,
    client_id: str,
    deployment_ids: Iterable[str],
    auth_login_url: str,
    auth_token_url: str,
    key_set_url: str,
    auth_audience: str = "",
) -> Platform:
    """Register a learning platform for the institution (owners and admins)."""
    institution = access_platforms(actor=actor, institution_id=institution_id, manage=True)
    name = single_line(name, "name")
    client_id = single_line(client_id, "client_id")
    if not name:
        raise DomainError("required", "Name the platform, e.g. “Canvas”.", "name")
    if not client_id:
        raise DomainError("required", "Give the client id the platform showed.", "client_id")
    urls = {
        f: web_url(v, f)
        for f, v in {
            "issuer": issuer,
            "auth_login_url": auth_login_url,
            "auth_token_url": auth_token_url,
            "key_set_url": key_set_url,
        }.items()
    }
    for field, value in urls.items():
        if not value:
            raise DomainError("required", f"The platform's {field} is required.", field)
    deployments = _deployments(deployment_ids)
    if Platform.objects.filter(issuer=urls["issuer"], client_id=client_id).exists():
        raise ConflictError(
            "platform_exists", "This issuer and client id are already registered.", "client_id"
        )
    return Platform.objects.create(
        institution=institution,
        name=name,
        client_id=client_id,
        deployment_ids=deployments,
        auth_audience=single_line(auth_audience, "auth_audience"),
        created_by=actor,
        **urls,
    )


def _deployments(deployment_ids: Iterable[str]) -> list[str]:
    deployments = sorted({single_line(d, "deployment_ids") for d in deployment_ids} - {""})
    if not deployments:
        raise DomainError("required", "Give at least one deployment id.", "deployment_ids")
    if len(deployments) > rules.MAX_DEPLOYMENTS:
        raise DomainError(
            "too_many", f"At most {rules.MAX_DEPLOYMENTS} deployment ids.", "deployment_ids"
        )
    return deployments


@transaction.atomic
def platform_deployments_set(
    *, actor: User, platform_id: int, deployment_ids: Iterable[str]
) -> Platform:
    """Replace the deployment ids a platform may launch with (a new install of the
    tool in the platform gets a new one)."""
    platform = access_platform(actor=actor, platform_id=platform_id, manage=True)
    platform.deployment_ids = _deployments(deployment_ids)
    platform.save(update_fields=["deployment_ids"])
    return platform
