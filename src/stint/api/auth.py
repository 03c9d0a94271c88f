"""API authentication: a bearer token — a personal token (`stint_…`) or an OAuth access
token an app got through /oauth/ —, an app's allauth session (`X-Session-Token`, from
/_allauth/app/v1/ sign-up and sign-in), or the browser session (with CSRF on unsafe
methods, as ninja's SessionAuth does).

OAuth tokens are limited by their scopes, checked here for every operation at once:
`stint.oauth.rules.required_scope` maps the request's method and path to the one scope
it needs (no operation names its own). A missing scope is 403 `insufficient_scope`
naming it; a bad, expired or revoked token is 401. Personal tokens may be given scopes
and an expiry too; without scopes they act, as sessions do, with the person's full rights."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.headless.contrib.ninja.security import XSessionTokenAuth
from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth
from oauth2_provider.oauth2_backends import get_oauthlib_core

from stint.accounts.models import User
from stint.accounts.services import TOKEN_PREFIX, api_token_find
from stint.core.errors import DomainError
from stint.oauth.rules import required_scope

API_ROOT = "/api/v1/"


def sends_credentials(request: HttpRequest) -> bool:
    """A token of any kind in the headers: such a caller is judged by it alone (a bad
    one is a 401), never by a session cookie riding along or as an anonymous visitor."""
    return bool(request.headers.get("Authorization") or request.headers.get("X-Session-Token"))


class InsufficientScope(DomainError):
    """403: the app's token was not granted the scope this request needs."""

    status = 403


@dataclass(frozen=True)
class Bearer:
    """Who a bearer token acts for, and the scopes that limit it."""

    user: User
    scopes: frozenset[str] | None  # None: a personal token without scopes, all rights
    client_id: str | None = None


def bearer_for(request: HttpRequest, raw: str) -> Bearer | None:
    """The person behind `raw`, or None for a bad, expired or revoked token (a 401)."""
    if raw.startswith(TOKEN_PREFIX):
        personal = api_token_find(raw)
        if personal is None:
            return None
        # A personal token given scopes is limited like an app's; without: all rights.
        return Bearer(user=personal.user, scopes=frozenset(personal.scopes.split()) or None)
    # DOT checks the token as its own protected views do: known, not expired, app usable.
    valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
    token = getattr(oauth_request, "access_token", None) if valid else None
    if token is None:
        return None
    # Client-credentials tokens have no user in DOT: they act as the organisation's
    # server app, the member that owns the application (stint.oauth server apps).
    user = token.user
    if user is None and token.application is not None:
        app = token.application
        if app.authorization_grant_type == app.GRANT_CLIENT_CREDENTIALS and app.user.is_app:
            user = app.user
    if user is None or not user.is_active:
        return None
    return Bearer(
        user=user,
        scopes=frozenset(token.scope.split()),
        client_id=token.application.client_id if token.application else None,
    )


def caller_for(request: HttpRequest) -> User | None:
    """The person a request's `Authorization: Bearer` header acts for (the idempotency
    keys belong to them), or None."""
    auth = request.headers.get("Authorization", "")
    if not auth.lower().startswith("bearer "):
        return None
    bearer = bearer_for(request, auth[7:].strip())
    return bearer.user if bearer else None


def check_scope(request: HttpRequest, bearer: Bearer) -> None:
    if bearer.scopes is None:
        return
    path = request.path.removeprefix(API_ROOT)
    needed = required_scope(request.method or "GET", path)
    if needed is None:
        raise InsufficientScope(
            "not_for_apps",
            "Scoped tokens cannot make this request: it needs an unscoped personal token "
            "or the website.",
        )
    if needed not in bearer.scopes:
        raise InsufficientScope(
            "insufficient_scope",
            f"This token lacks the `{needed}` scope that this request needs "
            f"(an app asks for it at /oauth/authorize/).",
            "scope",
        )


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        bearer = bearer_for(request, token)
        if bearer is None:
            return None
        check_scope(request, bearer)
        request.user = bearer.user
        return bearer.user


class ActiveSessionAuth(SessionAuth):
    def __call__(self, request: HttpRequest) -> Any:
        # A caller who sends a token is judged by the token alone: a bad or revoked
        # token is a 401, not a CSRF failure of a session it never meant to use (and
        # never a fall-back to a browser session riding along).
        if sends_credentials(request):
            return None
        # No session cookie: nothing to authenticate, so no CSRF to check (401).
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and not user.is_active:
            return None
        return user


class AppSessionAuth(XSessionTokenAuth):
    """An app's allauth session (`X-Session-Token`, from /_allauth/app/v1/: sign-up,
    email verification, sign-in): acts with the person's full rights, as a browser
    session does, without cookies or CSRF. Apps usually trade it for a scoped
    personal token (`POST /api/v1/tokens`)."""

    # The schema names the header, as for any API key (allauth's class leaves it out).
    openapi_in = "header"
    openapi_name = "X-Session-Token"
    openapi_description = "An app's allauth session, from /_allauth/app/v1/ (sign-up, sign-in)"

    def __call__(self, request: HttpRequest) -> Any:
        user = super().__call__(request)
        if user is None or not getattr(user, "is_active", False):
            return None
        return user


AUTH = [TokenAuth(), AppSessionAuth(), ActiveSessionAuth()]
