"""Reads for OAuth apps: the apps a person registered (`access_app` fetches one and
checks it is theirs) and the apps a person has authorised to act for them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, RefreshToken

from stint.accounts.models import User
from stint.core.errors import NotFound
from stint.oauth.rules import SCOPES


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
