"""/oauth/: the OAuth 2.0 endpoints (RFC 6749 with PKCE, RFC 7009 revocation, RFC 7662
introspection) and the developer pages. Only the grants Stint supports are mounted:
no device flow, no dynamic client registration."""

from django.urls import path
from oauth2_provider import views as dot

from stint.oauth import views

urlpatterns = [
    path("authorize/", views.AuthorizeView.as_view(), name="oauth_authorize"),
    path("token/", dot.TokenView.as_view(), name="oauth_token"),
    path("revoke_token/", dot.RevokeTokenView.as_view(), name="oauth_revoke_token"),
    path("introspect/", views.IntrospectView.as_view(), name="oauth_introspect"),
    path("apps/", views.apps_page, name="oauth_apps"),
    path("apps/<int:application_id>/", views.app_edit, name="oauth_app_edit"),
    path("apps/<int:application_id>/delete/", views.app_delete, name="oauth_app_delete"),
    path("authorised/", views.authorised_apps, name="oauth_authorised"),
    path("orgs/<int:org_id>/server-apps/", views.server_apps_page, name="oauth_server_apps"),
    path(
        "server-apps/<int:application_id>/delete/",
        views.server_app_delete,
        name="oauth_server_app_delete",
    ),
    path(
        "authorised/<int:application_id>/revoke/",
        views.authorised_revoke,
        name="oauth_authorised_revoke",
    ),
]
