"""The OAuth endpoints (django-oauth-toolkit's, with Stint's consent page, MFA step and
audit) and the developer pages: "Your apps", "Authorised apps" and an organisation's
"Server apps"."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from allauth.account.authentication import get_authentication_records
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from oauth2_provider.models import AccessToken, Application
from oauth2_provider.views import AuthorizationView, IntrospectTokenView
from oauth2_provider.views.mixins import OAuthLibMixin
from oauthlib.common import Request as OauthlibRequest

from stint.accounts.selectors import has_second_factor, mfa_required_for
from stint.core.forms import apply_domain_error
from stint.oauth import selectors, services
from stint.oauth.forms import AppEditForm, AppForm, ServerAppForm
from stint.orgs.selectors import access_organisation

MFA_FOR_APPS_MESSAGE = (
    "Set up two-factor authentication first: your role moves money, so connecting an app "
    "to your account needs a second factor."
)


def _mfa_step(request: HttpRequest) -> HttpResponse | None:
    """Where someone whose role requires a second factor goes before the consent page:
    to set one up, or to confirm it in this session (allauth records how a session
    was authenticated; an "mfa" record means the second factor was used)."""
    user = request.user
    if not mfa_required_for(user):
        return None
    if not has_second_factor(user):
        messages.warning(request, MFA_FOR_APPS_MESSAGE)
        return redirect("mfa_index")
    if any(r.get("method") == "mfa" for r in get_authentication_records(request, user)):
        return None
    query = urlencode({"next": request.get_full_path()})
    return redirect(f"{reverse('mfa_reauthenticate')}?{query}")


class AuthorizeView(AuthorizationView):
    """The consent page. DOT validates the request (client, redirect URI, PKCE) and
    issues the code; Stint adds the MFA step and records the consent."""

    template_name = "oauth/authorize.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            step = _mfa_step(request)
            if step is not None:
                return step
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        location = response.get("Location", "")
        issued = "code" in parse_qs(urlsplit(location).query)
        if form.cleaned_data.get("allow") and issued:
            application = Application.objects.get(client_id=form.cleaned_data["client_id"])
            services.grant_record(
                actor=self.request.user,
                application=application,
                scopes=(form.cleaned_data.get("scope") or "").split(),
            )
        return response


@method_decorator(csrf_exempt, name="dispatch")
class IntrospectView(OAuthLibMixin, View):
    """RFC 7662, for confidential clients about their own tokens only: a client that
    asks about another app's token learns nothing (`active: false`)."""

    def post(self, request: HttpRequest) -> HttpResponse:
        core = self.get_oauthlib_core()
        uri, method, body, headers = core._extract_params(request)
        client_request = OauthlibRequest(uri, method, body, headers)
        if not core.server.request_validator.authenticate_client(client_request):
            return JsonResponse({"error": "invalid_client"}, status=401)
        token = request.POST.get("token")
        if not token:
            return IntrospectTokenView.get_token_response(None)
        checksum = hashlib.sha256(token.encode()).hexdigest()
        own = AccessToken.objects.filter(
            token_checksum=checksum, application=client_request.client
        ).exists()
        if not own:
            return JsonResponse({"active": False})
        return IntrospectTokenView.get_token_response(token)


# --- Developer pages ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def apps_page(request: HttpRequest) -> HttpResponse:
    """Your apps: register one (the client secret is shown once, here) and list them."""
    form = AppForm()
    created: services.RegisteredApp | None = None
    if request.method == "POST":
        form = AppForm(request.POST)
        if form.is_valid():
            with apply_domain_error(form):
                created = services.app_register(actor=request.user, **form.cleaned_data)
                messages.success(request, "App registered.")
                form = AppForm()
    return render(
        request,
        "oauth/apps.html",
        {"form": form, "apps": selectors.apps_for(request.user), "created": created},
    )


@login_required
@require_http_methods(["GET", "POST"])
def app_edit(request: HttpRequest, application_id: int) -> HttpResponse:
    app = selectors.access_app(actor=request.user, application_id=application_id)
    form = AppEditForm(
        initial={"name": app.name, "redirect_uris": app.redirect_uris.replace(" ", "\n")}
    )
    if request.method == "POST":
        form = AppEditForm(request.POST)
        if form.is_valid():
            with apply_domain_error(form):
                services.app_update(actor=request.user, application_id=app.pk, **form.cleaned_data)
                messages.success(request, "App saved.")
                return redirect("oauth_apps")
    return render(request, "oauth/app_edit.html", {"app": app, "form": form})


@login_required
@require_POST
def app_delete(request: HttpRequest, application_id: int) -> HttpResponse:
    services.app_delete(actor=request.user, application_id=application_id)
    messages.success(request, "App deleted. Every token it held has stopped working.")
    return redirect("oauth_apps")


@login_required
def authorised_apps(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "oauth/authorised.html",
        {"authorised": selectors.authorised_apps_for(request.user)},
    )


@login_required
@require_POST
def authorised_revoke(request: HttpRequest, application_id: int) -> HttpResponse:
    app = services.grant_revoke(actor=request.user, application_id=application_id)
    messages.success(request, f"{app.name} can no longer use your account.")
    return redirect("oauth_authorised")


@login_required
@require_http_methods(["GET", "POST"])
def server_apps_page(request: HttpRequest, org_id: int) -> HttpResponse:
    """An organisation's server apps: register one (its secret is shown once, here)."""
    org, _ = access_organisation(actor=request.user, organisation_id=org_id, manage=True)
    form = ServerAppForm()
    created: services.RegisteredServerApp | None = None
    if request.method == "POST":
        form = ServerAppForm(request.POST)
        if form.is_valid():
            with apply_domain_error(form):
                created = services.server_app_register(
                    actor=request.user, organisation_id=org.pk, **form.cleaned_data
                )
                messages.success(request, "Server app registered.")
                form = ServerAppForm()
    return render(
        request,
        "oauth/server_apps.html",
        {"org": org, "form": form, "apps": selectors.server_apps_of(org), "created": created},
    )


@login_required
@require_POST
def server_app_delete(request: HttpRequest, application_id: int) -> HttpResponse:
    app, membership = selectors.access_server_app(actor=request.user, application_id=application_id)
    org_id = membership.organisation_id
    services.server_app_delete(actor=request.user, application_id=app.pk)
    messages.success(request, f"{app.name} is deleted: its tokens have stopped working.")
    return redirect("oauth_server_apps", org_id=org_id)
