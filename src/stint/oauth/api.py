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
)

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
def apps(request: HttpRequest) -> list[OAuthAppOut]:
    return [_app_out(a) for a in selectors.apps_for(request.user)]


@router.post(
    "/apps",
    response={201: OAuthAppCreatedOut, **ERRORS},
    summary="Register an OAuth app (its client secret is shown once)",
)
def app_register(request: HttpRequest, payload: OAuthAppIn) -> Status[OAuthAppCreatedOut]:
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
    services.app_delete(actor=request.user, application_id=application_id)
    return Status(204, None)


@router.get(
    "/authorised-apps",
    response={200: list[AuthorisedAppOut], **ERRORS},
    summary="Apps you have allowed to use your account, with their scopes",
)
def authorised_apps(request: HttpRequest) -> list[AuthorisedAppOut]:
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
    services.grant_revoke(actor=request.user, application_id=application_id)
    return Status(204, None)
