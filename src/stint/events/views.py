"""An organisation's Webhooks page: thin views over the same services as the API."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from stint.core.errors import NotFound
from stint.core.forms import apply_domain_error, flash_refusal
from stint.events import selectors, services
from stint.events.forms import WebhookForm
from stint.events.models import WebhookEndpoint
from stint.orgs.selectors import access_organisation


def _endpoint(request: HttpRequest, org_id: int, webhook_id: int) -> WebhookEndpoint:
    endpoint = selectors.access_endpoint(actor=request.user, id=webhook_id)
    if endpoint.organisation_id != org_id:
        raise NotFound("No such webhook.")
    return endpoint


@login_required
@require_http_methods(["GET", "POST"])
def webhooks(request: HttpRequest, org_id: int) -> HttpResponse:
    org, _ = access_organisation(actor=request.user, organisation_id=org_id, manage=True)
    form = WebhookForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        with apply_domain_error(form):
            created = services.webhook_endpoint_create(
                actor=request.user,
                organisation_id=org.pk,
                url=form.cleaned_data["url"],
                kinds=form.cleaned_data["kinds"],
            )
            form = WebhookForm()  # rendered, not redirected: the secret is shown only here
    return render(
        request,
        "events/webhooks.html",
        {
            "org": org,
            "form": form,
            "created": created,
            "endpoints": selectors.endpoints_of(org.pk),
        },
    )


@login_required
@require_POST
def webhook_delete(request: HttpRequest, org_id: int, webhook_id: int) -> HttpResponse:
    endpoint = _endpoint(request, org_id, webhook_id)
    with flash_refusal(request):
        services.webhook_endpoint_delete(actor=request.user, endpoint_id=endpoint.pk)
        messages.success(request, f"Webhook {endpoint.url} deleted.")
    return redirect("events_webhooks", org_id=org_id)


@login_required
@require_POST
def webhook_enable(request: HttpRequest, org_id: int, webhook_id: int) -> HttpResponse:
    endpoint = _endpoint(request, org_id, webhook_id)
    with flash_refusal(request):
        services.webhook_endpoint_enable(actor=request.user, endpoint_id=endpoint.pk)
        messages.success(request, f"Webhook {endpoint.url} is on again.")
    return redirect("events_webhooks", org_id=org_id)


@login_required
def webhook_deliveries(request: HttpRequest, org_id: int, webhook_id: int) -> HttpResponse:
    endpoint = _endpoint(request, org_id, webhook_id)
    raw = request.GET.get("before", "")
    before = int(raw) if raw.isdigit() and len(raw) < 19 else None
    rows, has_more = selectors.deliveries_of(endpoint, before=before)
    return render(
        request,
        "events/deliveries.html",
        {
            "org": endpoint.organisation,
            "endpoint": endpoint,
            "deliveries": rows,
            "older": rows[-1].pk if rows and has_more else None,
        },
    )


@login_required
@require_POST
def delivery_replay(
    request: HttpRequest, org_id: int, webhook_id: int, delivery_id: int
) -> HttpResponse:
    endpoint = _endpoint(request, org_id, webhook_id)
    delivery = selectors.access_delivery(actor=request.user, id=delivery_id)
    if delivery.endpoint_id != endpoint.pk:
        raise NotFound("No such delivery.")
    with flash_refusal(request):
        services.delivery_replay(actor=request.user, delivery_id=delivery.pk)
        messages.success(request, f"Event #{delivery.event_id} is being sent again.")
    return redirect("events_webhook_deliveries", org_id=org_id, webhook_id=endpoint.pk)
