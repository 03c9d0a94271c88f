"""API twins of the developer pages: your OAuth apps and the apps you have authorised.
Only the person manages these (personal token or session): app tokens get 403
(`stint.oauth.rules`)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status
from oauth2_provider.models import Application

from stint.core.schemas import ERRORS
from stint.oauth import selectors, services
from stint.oauth.schemas import (
    AuthorisedAppOut,
    OAuthAppChangeIn,
    OAuthAppCreatedOut,
    OAuthAppIn,
    OAuthAppOut,
    ServerAppCreatedOut,
    ServerAppIn,
    ServerAppOut,
)
from stint.orgs.selectors import access_organisation

router = Router()


def _app_out(app: Application) -> OAuthAppOut:
    return OAuthAppOut(
        id=app.pk,
        name=app.name,
        client_id=app.client_id,
        client_type=app.client_type,
        redirect_uris=app.redirect_uris.split(),
        created_at=app.created,
    )


@router.get("/apps", response={200: list[OAuthAppOut], **ERRORS}, summary="Your OAuth apps")
def app_list(request: HttpRequest) -> list[OAuthAppOut]:
    """The OAuth apps you registered (never their secrets). Only the person, with the website
    or a personal token; app tokens get 403 `not_for_apps`."""
    return [_app_out(a) for a in selectors.apps_for(request.user)]


@router.post(
    "/apps",
    response={201: OAuthAppCreatedOut, **ERRORS},
    summary="Register an OAuth app (its client secret is shown once)",
)
def app_register(request: HttpRequest, payload: OAuthAppIn) -> Status[OAuthAppCreatedOut]:
    """Register an OAuth app: a name shown on the consent page, exact redirect URIs and
    `client_type` (`confidential` for a server that keeps a secret, `public` for phone,
    desktop and single-page apps). A confidential app's `client_secret` is in this answer
    only. Non-https redirect URIs in production are 422 naming `redirect_uris`."""
    made = services.app_register(
        actor=request.user,
        name=payload.name,
        redirect_uris=" ".join(payload.redirect_uris),
        client_type=payload.client_type,
    )
    out = _app_out(made.application)
    return Status(201, OAuthAppCreatedOut(**out.model_dump(), client_secret=made.client_secret))


@router.put(
    "/apps/{application_id}",
    response={200: OAuthAppOut, **ERRORS},
    summary="Change an app's name and redirect URIs",
)
def app_update(request: HttpRequest, application_id: int, payload: OAuthAppChangeIn) -> OAuthAppOut:
    """Rename one of your apps or replace its redirect URIs. Apps you do not own are 404."""
    app = services.app_update(
        actor=request.user,
        application_id=application_id,
        name=payload.name,
        redirect_uris=" ".join(payload.redirect_uris),
    )
    return _app_out(app)


@router.delete(
    "/apps/{application_id}",
    response={204: None, **ERRORS},
    summary="Delete an app: every token it holds stops working",
)
def app_delete(request: HttpRequest, application_id: int) -> Status[None]:
    """Delete one of your apps: every token it holds stops working at once. Apps you do not own
    are 404."""
    services.app_delete(actor=request.user, application_id=application_id)
    return Status(204, None)


@router.get(
    "/authorised-apps",
    response={200: list[AuthorisedAppOut], **ERRORS},
    summary="Apps you have allowed to use your account, with their scopes",
)
def authorised_app_list(request: HttpRequest) -> list[AuthorisedAppOut]:
    """The apps you have allowed to act for you, with the scopes you gave them and since when."""
    return [
        AuthorisedAppOut(
            application_id=a.application.pk,
            name=a.application.name,
            client_id=a.application.client_id,
            scopes=a.scopes,
            since=a.since,
        )
        for a in selectors.authorised_apps_for(request.user)
    ]


@router.delete(
    "/authorised-apps/{application_id}",
    response={204: None, **ERRORS},
    summary="Revoke an app's access to your account",
)
def authorised_revoke(request: HttpRequest, application_id: int) -> Status[None]:
    """Take back an app's access to your account: its tokens for you are revoked at once. An
    app you never authorised is 404."""
    services.grant_revoke(actor=request.user, application_id=application_id)
    return Status(204, None)


def _server_app_out(app: selectors.ServerApp) -> ServerAppOut:
    return ServerAppOut(
        id=app.application.pk,
        name=app.application.name,
        client_id=app.application.client_id,
        organisation_id=app.organisation_id,
        role=app.role,  # type: ignore[arg-type]  # member or admin, by the service
        scopes=list(app.scopes),
        created_at=app.application.created,
    )


@router.get(
    "/orgs/{org_id}/server-apps",
    response={200: list[ServerAppOut], **ERRORS},
    summary="The organisation's server apps",
)
def server_app_list(request: HttpRequest, org_id: int) -> list[ServerAppOut]:
    """The organisation's server apps (OAuth client credentials), never their secrets.
    Owners and admins only (others 403, outsiders 404); app tokens get 403 `not_for_apps`."""
    org, _ = access_organisation(actor=request.user, organisation_id=org_id, manage=True)
    return [_server_app_out(app) for app in selectors.server_apps_of(org)]


@router.post(
    "/orgs/{org_id}/server-apps",
    response={201: ServerAppCreatedOut, **ERRORS},
    summary="Register a server app (its client secret is shown once)",
)
def server_app_register(
    request: HttpRequest, org_id: int, payload: ServerAppIn
) -> Status[ServerAppCreatedOut]:
    """Register a server app for the organisation: your own system (an applicant-tracking
    system, payroll) then gets tokens with `grant_type=client_credentials` at
    `/oauth/token/` and acts as a member of the organisation with `role`. An `admin` app may
    move money and needs your second factor (403 `mfa_required`). Owners and admins only."""
    made = services.server_app_register(
        actor=request.user, organisation_id=org_id, name=payload.name, role=payload.role
    )
    out = _server_app_out(made.app)
    return Status(201, ServerAppCreatedOut(**out.model_dump(), client_secret=made.client_secret))


@router.delete(
    "/server-apps/{application_id}",
    response={204: None, **ERRORS},
    summary="Delete a server app",
)
def server_app_delete(request: HttpRequest, application_id: int) -> Status[None]:
    """Delete a server app: its tokens stop working at once and its member leaves the
    organisation. Owners and admins of its organisation only; others get 404."""
    services.server_app_delete(actor=request.user, application_id=application_id)
    return Status(204, None)
