"""The reference pages (under /growth/, where they were first published)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from stint.core.errors import NotFound
from stint.core.forms import apply_domain_error
from stint.reviews import references, rules, selectors
from stint.reviews.forms import (
    ReferenceDeclineForm,
    ReferenceWriteForm,
    ShareForm,
    VisibilityForm,
)


@login_required
def reference_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "reviews/references.html", {"groups": selectors.references_for(request.user)}
    )


def _reference_page(
    request: HttpRequest, reference_id: int, *, status: int = 200, **forms_: forms.Form
) -> HttpResponse:
    ref, side = selectors.access_reference(actor=request.user, reference_id=reference_id)
    context = {
        "ref": ref,
        "side": side,
        "shares": list(ref.shares.all()) if side == rules.CANDIDATE else [],
        "live": {s.pk for s in selectors.live_shares(ref)} if side == rules.CANDIDATE else set(),
        "write_form": ReferenceWriteForm(),
        "decline_form": ReferenceDeclineForm(),
        "visibility_form": VisibilityForm(initial={"visibility": ref.visibility}),
        "share_form": ShareForm(),
        "new_link": request.session.pop("growth_new_share_link", None),
    }
    context.update(forms_)
    return render(request, "reviews/reference.html", context, status=status)


@login_required
def reference_detail(request: HttpRequest, reference_id: int) -> HttpResponse:
    return _reference_page(request, reference_id)


@login_required
@require_POST
def reference_write(request: HttpRequest, reference_id: int) -> HttpResponse:
    selectors.access_reference(actor=request.user, reference_id=reference_id)
    form = ReferenceWriteForm(request.POST)
    if form.is_valid():
        with apply_domain_error(form):
            references.reference_write(
                actor=request.user, reference_id=reference_id, text=form.cleaned_data["text"]
            )
            messages.success(request, "Reference sent.")
            return redirect("growth_reference", reference_id=reference_id)
    return _reference_page(request, reference_id, status=422, write_form=form)


@login_required
@require_POST
def reference_decline(request: HttpRequest, reference_id: int) -> HttpResponse:
    selectors.access_reference(actor=request.user, reference_id=reference_id)
    form = ReferenceDeclineForm(request.POST)
    if form.is_valid():
        with apply_domain_error(form):
            references.reference_decline(
                actor=request.user, reference_id=reference_id, reason=form.cleaned_data["reason"]
            )
            messages.success(request, "Declined.")
            return redirect("growth_reference", reference_id=reference_id)
    return _reference_page(request, reference_id, status=422, decline_form=form)


@login_required
@require_POST
def reference_visibility(request: HttpRequest, reference_id: int) -> HttpResponse:
    selectors.access_reference(actor=request.user, reference_id=reference_id)
    form = VisibilityForm(request.POST)
    if form.is_valid():
        with apply_domain_error(form):
            references.reference_set_visibility(
                actor=request.user,
                reference_id=reference_id,
                visibility=form.cleaned_data["visibility"],
            )
            messages.success(request, "Saved.")
            return redirect("growth_reference", reference_id=reference_id)
    return _reference_page(request, reference_id, status=422, visibility_form=form)


@login_required
@require_POST
def reference_share(request: HttpRequest, reference_id: int) -> HttpResponse:
    selectors.access_reference(actor=request.user, reference_id=reference_id)
    form = ShareForm(request.POST)
    if form.is_valid():
        with apply_domain_error(form):
            created = references.reference_share_create(
                actor=request.user, reference_id=reference_id, **form.cleaned_data
            )
            # Shown once on the next page; the database keeps only the nonce.
            request.session["growth_new_share_link"] = request.build_absolute_uri(created.url)
            return redirect("growth_reference", reference_id=reference_id)
    return _reference_page(request, reference_id, status=422, share_form=form)


@login_required
@require_POST
def reference_share_revoke(request: HttpRequest, share_id: int) -> HttpResponse:
    share = references.reference_share_revoke(actor=request.user, share_id=share_id)
    messages.success(request, "Link revoked.")
    return redirect("growth_reference", reference_id=share.reference_id)


def reference_shared(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the reference behind a live link; expired or revoked → the 404 page."""
    try:
        ref = references.reference_by_token(token)
    except NotFound:
        return render(request, "reviews/reference_link_invalid.html", status=404)
    return render(request, "reviews/reference_shared.html", {"ref": ref})
