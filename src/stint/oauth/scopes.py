"""django-oauth-toolkit reads the scopes from `rules.SCOPES` (settings name this class),
so the consent page, the token endpoint and the API check share one list."""

from __future__ import annotations

from typing import Any

from oauth2_provider.scopes import BaseScopes

from stint.oauth.rules import DEFAULT_SCOPES, SCOPES


class StintScopes(BaseScopes):
    def get_all_scopes(self) -> dict[str, str]:
        return dict(SCOPES)

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return list(SCOPES)

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return list(DEFAULT_SCOPES)
