"""django-oauth-toolkit reads the scopes from `rules.SCOPES` (settings name this class),
so the consent page, the token endpoint and the API check share one list. A server app
(client credentials) may ask only for what its role in its organisation allows."""

from __future__ import annotations

from typing import Any

from oauth2_provider.scopes import BaseScopes

from stint.oauth.rules import DEFAULT_SCOPES, SCOPES
from stint.oauth.selectors import server_app_scopes_for


class StintScopes(BaseScopes):
    def get_all_scopes(self) -> dict[str, str]:
        return dict(SCOPES)

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        # An organisation's server app: what its role allows (rules.server_app_scopes).
        if (
            application is not None
            and application.authorization_grant_type == application.GRANT_CLIENT_CREDENTIALS
        ):
            return list(server_app_scopes_for(application))
        return list(SCOPES)

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return list(DEFAULT_SCOPES)
