from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from stint.accounts.models import User
from stint.core.errors import NotFound
from stint.core.files import private_download
from stint.core.forms import apply_domain_error, flash_refusal
from stint.core.paging import page_number, page_of
from stint.privacy import selectors, services
from stint.privacy.forms import DeleteAccountForm
from stint.privacy.models import ExportStatus


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    shown = page_of(selectors.exports_of(request.user), page_number(request), per_page=10)
    return render(
        request,
        "privacy/overview.html",
        {
            "exports": shown.items,
            "shown": shown,
            "blockers": services.deletion_blockers(request.user),
        },
    )


@login_required
@require_POST
def export_request(request: HttpRequest) -> HttpResponse:
    with flash_refusal(request):
        services.export_request(actor=request.user)
        messages.success(request, "We are preparing your export; we will notify you when ready.")
    return redirect("privacy_overview")


def export_response(user: User, export_id: int) -> HttpResponse:
    """The export zip, for its owner only and only once it is ready (else NotFound,
    which the page shows as the 404 page and the API as a 404)."""
    export = selectors.access_export(actor=user, export_id=export_id)
    if export.status != ExportStatus.READY or not export.file:
        raise NotFound("This export is not ready.")
    return private_download(
        export.file,
        filename=f"stint-data-{export.created_at:%Y-%m-%d}.zip",
        content_type="application/zip",
    )


@login_required
def export_download(request: HttpRequest, export_id: int) -> HttpResponse:
    return export_response(request.user, export_id)


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with apply_domain_error(form):
            services.account_delete(actor=request.user, password=form.cleaned_data["password"])
            logout(request)
            messages.success(request, "Your account is deleted. Goodbye, and thank you.")
            return redirect("home")
    return render(
        request,
        "privacy/delete.html",
        {"form": form, "blockers": services.deletion_blockers(request.user)},
        status=422 if request.method == "POST" else 200,
    )
