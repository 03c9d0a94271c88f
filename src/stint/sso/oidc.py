"""allauth's OpenID Connect provider, with one change: the id_token's signature is
always checked against the IdP's published keys. allauth skips that check for a
token fetched straight from the token endpoint (OIDC Core 3.1.3.7 allows it over
TLS); an institution's IdP is configured by people outside Stint, so Stint checks.
The views answer allauth's own URLs (same names, same redirect URI)."""

from __future__ import annotations

from typing import Any

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.http import Http404, HttpRequest, HttpResponse


class InstitutionOIDCAdapter(OpenIDConnectOAuth2Adapter):
    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict[str, Any]:
        data: dict[str, Any] = jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )
        return data


@login_not_required
def login(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        view = OAuth2LoginView.adapter_view(InstitutionOIDCAdapter(request, provider_id))
        response: HttpResponse = view(request)
        return response
    except SocialApp.DoesNotExist as exc:
        raise Http404 from exc


@login_not_required
def callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        view = OAuth2CallbackView.adapter_view(InstitutionOIDCAdapter(request, provider_id))
        response: HttpResponse = view(request)
        return response
    except SocialApp.DoesNotExist as exc:
        raise Http404 from exc
