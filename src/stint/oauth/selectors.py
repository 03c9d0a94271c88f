"""Reads for OAuth apps: the apps a person registered (`access_app` fetches one and
checks it is theirs), the apps a person has authorised to act for them, and an
organisation's server apps (`access_server_app`: its owners and admins only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, RefreshToken

from stint.accounts.models import User
from stint.core.errors import Forbidden, NotFound
from stint.oauth.rules import SCOPES, server_app_scopes
from stint.orgs.models import Membership, Organisation
from stint.orgs.selectors import access_organisation


def apps_for(user: User) -> QuerySet[Application]:
    return Application.objects.filter(user=user).order_by("-created")


def access_app(*, actor: User, application_id: int, for_update: bool = False) -> Application:
    """One app its owner registered. Anyone else's is 404: they may not learn it exists."""
    qs = Application.objects.filter(pk=application_id, user=actor)
    if for_update:
        qs = qs.select_for_update()
    app = qs.first()
    if app is None:
        raise NotFound("No such app.")
    return app


@dataclass
class AuthorisedApp:
    application: Application
    scopes: list[str] = field(default_factory=list)
    since: datetime | None = None  # when the oldest live token was issued

    @property
    def scope_descriptions(self) -> list[tuple[str, str]]:
        return [(s, SCOPES.get(s, s)) for s in self.scopes]


def _scope_order(scope: str) -> tuple[int, str]:
    names = list(SCOPES)
    return (names.index(scope) if scope in names else len(names), scope)


def authorised_apps_for(user: User) -> list[AuthorisedApp]:
    """Apps holding a live access token or an unrevoked refresh token for `user`,
    with the scopes they hold, oldest grant first."""
    now = timezone.now()
    by_app: dict[int, AuthorisedApp] = {}
    access = AccessToken.objects.filter(user=user, expires__gt=now, application__isnull=False)
    refresh = RefreshToken.objects.filter(user=user, revoked__isnull=True).select_related(
        "access_token"
    )
    rows: list[tuple[int, str, datetime]] = [
        (t.application_id, t.scope, t.created)
        for t in access.only("application", "scope", "created")
    ]
    rows += [
        (t.application_id, t.access_token.scope if t.access_token else "", t.created)
        for t in refresh
    ]
    apps = Application.objects.in_bulk({app_id for app_id, _, _ in rows})
    for app_id, scope, created in rows:
        if app_id not in apps:
            continue
        entry = by_app.setdefault(app_id, AuthorisedApp(application=apps[app_id]))
        entry.scopes = sorted(set(entry.scopes) | set(scope.split()), key=_scope_order)
        if entry.since is None or created < entry.since:
            entry.since = created
    return sorted(by_app.values(), key=lambda a: a.since or now)


def has_authorised(user: User, application_id: int) -> bool:
    return (
        AccessToken.objects.filter(
            user=user, application_id=application_id, expires__gt=timezone.now()
        ).exists()
        or RefreshToken.objects.filter(
            Q(user=user) & Q(application_id=application_id) & Q(revoked__isnull=True)
        ).exists()
    )


# --- An organisation's server apps (client credentials): each acts as its own member
# of the organisation, a user with `is_app` set, who owns the DOT application.


@dataclass(frozen=True)
class ServerApp:
    application: Application
    organisation_id: int
    role: str
    scopes: tuple[str, ...]


def server_app_membership(application: Application) -> Membership | None:
    if application.authorization_grant_type != Application.GRANT_CLIENT_CREDENTIALS:
        return None
    return (
        Membership.objects.filter(user_id=application.user_id, user__is_app=True)
        .select_related("organisation")
        .first()
    )


def server_app_of(application: Application, membership: Membership) -> ServerApp:
    return ServerApp(
        application=application,
        organisation_id=membership.organisation_id,
        role=membership.role,
        scopes=server_app_scopes(membership.role, membership.organisation.kind),
    )


def server_apps_of(organisation: Organisation) -> list[ServerApp]:
    memberships = {
        m.user_id: m
        for m in Membership.objects.filter(
            organisation=organisation, user__is_app=True
        ).select_related("organisation")
    }
    apps = Application.objects.filter(
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        user_id__in=list(memberships),
    ).order_by("-created")
    return [server_app_of(app, memberships[app.user_id]) for app in apps]


def access_server_app(
    *, actor: User, application_id: int, for_update: bool = False
) -> tuple[Application, Membership]:
    """A server app of an organisation the actor manages (owners and admins). Anyone
    else gets 404, as for organisations they cannot see."""
    qs = Application.objects.filter(
        pk=application_id, authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS
    )
    if for_update:
        qs = qs.select_for_update()
    app = qs.first()
    membership = server_app_membership(app) if app else None
    if app is None or membership is None:
        raise NotFound("No such server app.")
    try:
        access_organisation(actor=actor, organisation_id=membership.organisation_id, manage=True)
    except Forbidden as exc:  # a member who may not manage: as good as not there
        raise NotFound("No such server app.") from exc
    return app, membership


def server_app_scopes_for(application: Application) -> tuple[str, ...]:
    membership = server_app_membership(application)
    if membership is None:
        return ()
    return server_app_scopes(membership.role, membership.organisation.kind)
