"""Writes for OAuth apps: registering, changing and deleting an app (its owner only),
recording a person's consent, revoking an app's access, and an organisation's server
apps (client credentials). Every one is audited."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application, Grant, RefreshToken

from stint.accounts.mfa import require_second_factor
from stint.accounts.models import User
from stint.audit import services as audit
from stint.core.errors import DomainError, FieldProblems, Forbidden, NotFound
from stint.oauth import selectors
from stint.oauth.rules import SERVER_APP_ROLES, server_app_scopes, unknown_scopes
from stint.orgs.models import Membership
from stint.orgs.rules import can_grant
from stint.orgs.selectors import access_organisation

CLIENT_TYPES = {
    "confidential": Application.CLIENT_CONFIDENTIAL,  # a server that can keep a secret
    "public": Application.CLIENT_PUBLIC,  # a phone, desktop or browser app: PKCE only
}
APP_LIMIT = 25


@dataclass(frozen=True)
class RegisteredApp:
    application: Application
    # Shown once: only a hash is kept. None for public clients, which have no secret.
    client_secret: str | None


def _check_name(problems: FieldProblems, name: str) -> None:
    """Every app's name, person's or organisation's: present and at most 100 characters."""
    if not name.strip():
        problems.add("name_required", "Give the app a name people will recognise.", "name")
    elif len(name) > 100:
        problems.add("name_too_long", "App names are at most 100 characters.", "name")


def _check(*, name: str, redirect_uris: str, client_type: str | None = None) -> None:
    problems = FieldProblems()
    _check_name(problems, name)
    if not redirect_uris.split():
        problems.add(
            "redirect_uris_required",
            "Give at least one redirect URI: where Stint sends people back to your app.",
            "redirect_uris",
        )
    if client_type is not None and client_type not in CLIENT_TYPES:
        problems.add(
            "client_type_invalid", "The client type is confidential or public.", "client_type"
        )
    problems.raise_any()


def _validate_uris(app: Application) -> None:
    """DOT's own checks: allowed schemes, no fragments, no wildcards."""
    try:
        app.clean()
    except ValidationError as exc:
        raise DomainError(
            "redirect_uris_invalid",
            " ".join(exc.messages) or "A redirect URI is not allowed.",
            "redirect_uris",
        ) from exc


@transaction.atomic
def app_register(*, actor: User, name: str, redirect_uris: str, client_type: str) -> RegisteredApp:
    _check(name=name, redirect_uris=redirect_uris, client_type=client_type)
    if selectors.apps_for(actor).count() >= APP_LIMIT:
        raise DomainError("too_many_apps", f"You already have {APP_LIMIT} apps; delete one first.")
    secret = generate_client_secret()
    app = Application(
        user=actor,
        name=name.strip(),
        client_type=CLIENT_TYPES[client_type],
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(redirect_uris.split()),
        client_secret=secret,
        hash_client_secret=True,
        skip_authorization=False,  # people always see the consent page
    )
    _validate_uris(app)
    app.save()
    audit.record(
        action="oauth_app.registered",
        actor=actor,
        target=("oauth_application", app.pk),
        after={"name": app.name, "client_id": app.client_id, "client_type": client_type},
    )
    public = client_type == "public"
    return RegisteredApp(application=app, client_secret=None if public else secret)


@transaction.atomic
def app_update(*, actor: User, application_id: int, name: str, redirect_uris: str) -> Application:
    app = selectors.access_app(actor=actor, application_id=application_id, for_update=True)
    _check(name=name, redirect_uris=redirect_uris)
    app.name = name.strip()
    app.redirect_uris = " ".join(redirect_uris.split())
    _validate_uris(app)
    app.save(update_fields=["name", "redirect_uris", "updated"])
    return app


@transaction.atomic
def app_delete(*, actor: User, application_id: int) -> None:
    """Deleting an app ends every token it holds, for everyone who authorised it."""
    app = selectors.access_app(actor=actor, application_id=application_id, for_update=True)
    before = {"name": app.name, "client_id": app.client_id}
    pk = app.pk
    app.delete()
    audit.record(
        action="oauth_app.deleted", actor=actor, target=("oauth_application", pk), before=before
    )


@transaction.atomic
def grant_record(*, actor: User, application: Application, scopes: list[str]) -> None:
    """A person allowed an app on the consent page (the code is issued by DOT)."""
    if unknown_scopes(scopes):
        raise DomainError("scope_invalid", "Unknown scope.", "scope")
    audit.record(
        action="oauth_grant.given",
        actor=actor,
        target=("oauth_application", application.pk),
        after={"scopes": sorted(scopes), "client_id": application.client_id},
    )


@transaction.atomic
def grant_revoke(*, actor: User, application_id: int) -> Application:
    """Withdraw an app's access to `actor`: its access and refresh tokens and any
    unused codes stop working at once."""
    if not selectors.has_authorised(actor, application_id):
        raise NotFound("This app has no access to your account.")
    app = Application.objects.get(pk=application_id)
    for refresh in RefreshToken.objects.filter(
        user=actor, application=app, revoked__isnull=True
    ).select_for_update():
        refresh.revoke()
    AccessToken.objects.filter(user=actor, application=app).delete()
    Grant.objects.filter(user=actor, application=app).delete()
    audit.record(
        action="oauth_grant.revoked",
        actor=actor,
        target=("oauth_application", app.pk),
        before={"client_id": app.client_id},
    )
    return app


# --- An organisation's server apps: OAuth client credentials for its own systems (an
# applicant-tracking system, payroll). Each app acts as its own member of the
# organisation, with the role its registrar gave it, so every rule about members applies
# to it unchanged; its user (`is_app`) has no password and cannot sign in.


@dataclass(frozen=True)
class RegisteredServerApp:
    app: selectors.ServerApp
    client_secret: str  # shown once: only a hash is kept


@transaction.atomic
def server_app_register(
    *, actor: User, organisation_id: int, name: str, role: str
) -> RegisteredServerApp:
    org, mine = access_organisation(actor=actor, organisation_id=organisation_id, manage=True)
    problems = FieldProblems()
    _check_name(problems, name)
    if role not in SERVER_APP_ROLES:
        problems.add("role_invalid", "A server app is a member or an admin.", "role")
    problems.raise_any()
    if mine is None or not can_grant(mine.role, role):
        raise Forbidden("You cannot give an app a role above your own.")
    if "payments" in server_app_scopes(role, org.kind):
        require_second_factor(actor)  # an app that can move money: as on the consent page
    if len(selectors.server_apps_of(org)) >= APP_LIMIT:
        raise DomainError(
            "too_many_apps", f"This organisation has {APP_LIMIT} server apps; delete one first."
        )
    user = User.objects.create_user(
        f"app-{secrets.token_hex(8)}@apps.stint.invalid",  # .invalid: never delivered
        None,  # no password: the client secret is its only key
        full_name=f"{name.strip()} (app)",
        is_app=True,
    )
    membership = Membership.objects.create(organisation=org, user=user, role=role)
    secret = generate_client_secret()
    app = Application.objects.create(
        user=user,
        name=name.strip(),
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        redirect_uris="",
        client_secret=secret,
        hash_client_secret=True,
        skip_authorization=True,  # no person to ask: the registrar consented
    )
    audit.record(
        action="oauth_server_app.registered",
        actor=actor,
        target=("organisation", org.pk),
        after={"name": app.name, "client_id": app.client_id, "role": role},
    )
    return RegisteredServerApp(app=selectors.server_app_of(app, membership), client_secret=secret)


@transaction.atomic
def server_app_delete(*, actor: User, application_id: int) -> None:
    """Ends the app's tokens at once; its member leaves the organisation and is
    switched off (kept, as the author of what it did)."""
    app, membership = selectors.access_server_app(
        actor=actor, application_id=application_id, for_update=True
    )
    before = {"name": app.name, "client_id": app.client_id, "role": membership.role}
    user = app.user
    org_id = membership.organisation_id
    app.delete()  # its access tokens go with it
    membership.delete()
    if user is not None:
        user.is_active = False
        user.save(update_fields=["is_active"])
    audit.record(
        action="oauth_server_app.deleted",
        actor=actor,
        target=("organisation", org_id),
        before=before,
    )
