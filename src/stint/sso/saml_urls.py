"""Mounted at /accounts/saml/ before allauth's URLs: the single log-out endpoint that
takes only signed messages (stint.sso.saml)."""

from django.urls import path

from stint.sso import saml

urlpatterns = [
    path("<str:organization_slug>/sls/", saml.sls, name="sso_saml_sls"),
]
