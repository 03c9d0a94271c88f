from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from stint.core.errors import ConflictError, DomainError, Forbidden, NotFound
from stint.core.forms import apply_domain_error, flash_refusal
from stint.orgs import rules, selectors, services
from stint.orgs.forms import (
    DomainForm,
    InvitationForm,
    OrganisationEditForm,
    OrganisationForm,
    RoleForm,
)


@login_required
def org_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "orgs/list.html", {"organisations": selectors.organisations_for(request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def org_create(request: HttpRequest) -> HttpResponse:
    initial_kind = request.GET.get("kind") or request.session.get("joining_as") or "employer"
    form = OrganisationForm(request.POST or None, initial={"kind": initial_kind})
    if request.method == "POST" and form.is_valid():
        with apply_domain_error(form):
            org = services.organisation_create(actor=request.user, **form.cleaned_data)
            messages.success(request, f"{org.name} is created and you are its owner.")
            return redirect("org_detail", org_id=org.pk)
    return render(request, "orgs/create.html", {"form": form})


@login_required
def org_detail(request: HttpRequest, org_id: int) -> HttpResponse:
    org, membership = selectors.access_organisation(actor=request.user, organisation_id=org_id)
    can_manage = membership is not None and rules.can_manage(membership.role)
    return render(
        request,
        "orgs/detail.html",
        {
            "org": org,
            "membership": membership,
            "can_manage": can_manage,
            "members": selectors.members_of(org),
            "invitations": selectors.invitations_of(org) if can_manage else [],
            "domains": org.domains.all(),
            "invite_form": InvitationForm(),
            "domain_form": DomainForm(),
            "role_form": RoleForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def org_edit(request: HttpRequest, org_id: int) -> HttpResponse:
    org, _ = selectors.access_organisation(actor=request.user, organisation_id=org_id, manage=True)
    form = OrganisationEditForm(
        request.POST or None,
        initial={"name": org.name, "website": org.website, "description": org.description},
    )
    if request.method == "POST" and form.is_valid():
        with apply_domain_error(form):
            services.organisation_update(
                actor=request.user, organisation_id=org.pk, **form.cleaned_data
            )
            messages.success(request, "Saved.")
            return redirect("org_detail", org_id=org.pk)
    return render(request, "orgs/edit.html", {"form": form, "org": org})


@login_required
@require_POST
def org_invite(request: HttpRequest, org_id: int) -> HttpResponse:
    org, _ = selectors.access_organisation(actor=request.user, organisation_id=org_id, manage=True)
    form = InvitationForm(request.POST)
    if form.is_valid():
        with flash_refusal(request):
            created = services.invitation_create(
                actor=request.user, organisation_id=org.pk, **form.cleaned_data
            )
            messages.success(request, f"Invitation sent to {created.invitation.email}.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("org_detail", org_id=org.pk)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = services.invitation_revoke(actor=request.user, invitation_id=invitation_id)
    messages.success(request, f"Invitation to {invitation.email} revoked.")
    return redirect("org_detail", org_id=invitation.organisation_id)


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_by_token(token)
    except NotFound:
        return render(request, "orgs/invitation_invalid.html", status=404)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        try:
            membership = services.invitation_accept(actor=request.user, token=token)
        except (ConflictError, Forbidden) as exc:
            messages.error(request, str(exc))
            return redirect(request.path)
        messages.success(request, f"Welcome to {membership.organisation.name}.")
        return redirect("org_detail", org_id=membership.organisation_id)
    return render(request, "orgs/invitation_accept.html", {"invitation": invitation})


@login_required
@require_POST
def membership_role(request: HttpRequest, membership_id: int) -> HttpResponse:
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose owner, admin or member.")
        return redirect("org_list")
    try:
        m = services.membership_change_role(
            actor=request.user, membership_id=membership_id, **form.cleaned_data
        )
        messages.success(request, f"{m.user} is now {m.role}.")
        return redirect("org_detail", org_id=m.organisation_id)
    except (DomainError, Forbidden) as exc:
        messages.error(request, str(exc))
    return redirect("org_list")


@login_required
@require_POST
def membership_remove(request: HttpRequest, membership_id: int) -> HttpResponse:
    try:
        services.membership_remove(actor=request.user, membership_id=membership_id)
        messages.success(request, "Removed.")
    except (DomainError, Forbidden) as exc:
        messages.error(request, str(exc))
    return redirect("org_list")


@login_required
@require_POST
def domain_add(request: HttpRequest, org_id: int) -> HttpResponse:
    org, _ = selectors.access_organisation(actor=request.user, organisation_id=org_id, manage=True)
    form = DomainForm(request.POST)
    if form.is_valid():
        with flash_refusal(request):
            d = services.domain_add(
                actor=request.user, organisation_id=org.pk, domain=form.cleaned_data["domain"]
            )
            messages.success(request, f"{d.domain} added; a platform admin will verify it.")
    return redirect("org_detail", org_id=org.pk)
