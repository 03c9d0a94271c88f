"""allauth's SAML single log-out endpoint (SLS), with one change: a log-out message
from the IdP is taken only when it is signed. python3-saml checks a signature when
one is present (against the IdP's certificate) but accepts an unsigned LogoutRequest
unless every message must be signed, which would refuse IdPs that sign only their
assertions at sign-in; unsigned, anyone could log a Stint user out with a link.
Mounted at allauth's own address, before allauth's URLs."""

from __future__ import annotations

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.providers.saml import views as allauth_saml
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
@login_not_required
def sls(request: HttpRequest, organization_slug: str) -> HttpResponse:
    if "Signature" not in request.GET:
        return HttpResponse(
            "Stint takes only signed log-out messages (HTTP-Redirect binding).",
            status=400,
            content_type="text/plain",
        )
    response: HttpResponse = allauth_saml.sls(request, organization_slug=organization_slug)
    return response
