"""API authentication: a personal token (`Authorization: Bearer stint_…`) or
the browser session (with CSRF on unsafe methods, as ninja's SessionAuth does)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from stint.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    def __call__(self, request: HttpRequest) -> Any:
        # A caller who sends a token is judged by the token alone: a bad or revoked
        # token is a 401, not a CSRF failure of a session it never meant to use (and
        # never a fall-back to a browser session riding along).
        if request.headers.get("Authorization"):
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


AUTH = [TokenAuth(), ActiveSessionAuth()]
