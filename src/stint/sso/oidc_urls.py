"""Mounted at /accounts/oidc/ before allauth's URLs, so its OpenID Connect login and
callback run with the signature-checking adapter (stint.sso.oidc)."""

from django.urls import path

from stint.sso import oidc

urlpatterns = [
    path("<str:provider_id>/login/", oidc.login, name="sso_oidc_login"),
    path("<str:provider_id>/login/callback/", oidc.callback, name="sso_oidc_callback"),
]
