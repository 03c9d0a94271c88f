from __future__ import annotations

from typing import Any

from allauth.socialaccount.models import SocialApp
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from stint.core.forms import apply_domain_error
from stint.sso import rules, selectors, services
from stint.sso.forms import FindInstitutionForm, SignOnForm
from stint.sso.metadata import MAX_BYTES
from stint.sso.models import InstitutionSignOn


def login_url(app: SocialApp) -> str:
    """allauth's login address for the institution's app (a POST starts the sign-in)."""
    if app.provider == "saml":
        return reverse("saml_login", kwargs={"organization_slug": app.client_id})
    return reverse("openid_connect_login", kwargs={"provider_id": app.provider_id})


def _initial(sign_on: InstitutionSignOn | None) -> dict[str, Any]:
    if sign_on is None:
        return {"protocol": "oidc", "enabled": True, "email_claim": "email", "name_claim": "name"}
    app = sign_on.app
    idp = app.settings.get("idp", {})
    return {
        "protocol": sign_on.protocol,
        "enabled": sign_on.enabled,
        "issuer_url": app.settings.get("server_url", ""),
        "client_id": app.client_id if sign_on.protocol == "oidc" else "",
        "metadata_url": idp.get("metadata_url", ""),
        "entity_id": idp.get("entity_id", ""),
        "sso_url": idp.get("sso_url", ""),
        "x509cert": idp.get("x509cert", ""),
        **{f"{k}_claim": v for k, v in sign_on.mapping.items()},
        "staff_claim": sign_on.staff_claim,
        "staff_values": ", ".join(sign_on.staff_values),
    }


@login_required
@require_http_methods(["GET", "POST"])
def sign_on_settings(request: HttpRequest, org_id: int) -> HttpResponse:
    org, sign_on = selectors.access_sign_on_settings(actor=request.user, institution_id=org_id)
    form = SignOnForm(request.POST or None, request.FILES or None, initial=_initial(sign_on))
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        upload = fields.pop("metadata_xml")
        with apply_domain_error(form):
            services.sign_on_save(
                actor=request.user,
                institution_id=org.pk,
                data=services.SignOnInput(
                    **fields,
                    # One byte past the limit is enough for the service to refuse it.
                    metadata_xml=upload.read(MAX_BYTES + 1) if upload else None,
                    metadata_filename=upload.name if upload else "",
                ),
            )
            messages.success(request, "Single sign-on is saved.")
            return redirect("sso_settings", org_id=org.pk)
    key = rules.provider_id_for(org.slug)
    redirect_uri = request.build_absolute_uri(
        reverse("openid_connect_callback", kwargs={"provider_id": key})
    )
    saml_acs = request.build_absolute_uri(reverse("saml_acs", kwargs={"organization_slug": key}))
    saml_sls = request.build_absolute_uri(reverse("saml_sls", kwargs={"organization_slug": key}))
    saml_metadata = request.build_absolute_uri(
        reverse("saml_metadata", kwargs={"organization_slug": key})
    )
    return render(
        request,
        "sso/settings.html",
        {
            "org": org,
            "sign_on": sign_on,
            "form": form,
            "has_secret": bool(sign_on and sign_on.app.secret),
            "redirect_uri": redirect_uri,
            "saml_acs": saml_acs,
            "saml_metadata": saml_metadata,
            "saml_sls": saml_sls,
            "idp": selectors.idp_summary(sign_on) if sign_on else None,
        },
    )


@login_required
@require_POST
def sign_on_remove(request: HttpRequest, org_id: int) -> HttpResponse:
    services.sign_on_remove(actor=request.user, institution_id=org_id)
    messages.success(request, "Single sign-on is removed.")
    return redirect("sso_settings", org_id=org_id)


@require_http_methods(["GET"])
def sign_on_find(request: HttpRequest) -> HttpResponse:
    """The login page's "Sign in with your university": by email domain or by picking
    the institution. Shows the institution's button (a POST form, as allauth wants)."""
    form = FindInstitutionForm(request.GET or None)
    found = None
    if "institution" in request.GET:
        found = (
            selectors.sign_ons_for_login()
            .filter(institution__slug=request.GET.get("institution", ""))
            .first()
        )
    elif form.is_valid():
        found = selectors.sign_on_for_email(form.cleaned_data["email"])
    status = 200
    if (form.is_bound or "institution" in request.GET) and found is None:
        status = 404
    return render(
        request,
        "sso/find.html",
        {
            "form": form,
            "found": found,
            "login_url": login_url(found.app) if found else "",
            "searched": status == 404,
            "sign_ons": selectors.sign_ons_for_login(),
        },
        status=status,
    )
