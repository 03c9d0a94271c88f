from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from stint.accounts import services
from stint.accounts.forms import AccountBasicsForm, ApiTokenForm
from stint.accounts.selectors import api_tokens_for, has_second_factor, mfa_required_for
from stint.core.forms import apply_domain_error


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    basics = AccountBasicsForm(
        initial={"full_name": user.full_name, "is_candidate": user.is_candidate}
    )
    token_form = ApiTokenForm()
    new_secret: str | None = None
    if request.method == "POST" and request.POST.get("action") == "basics":
        basics = AccountBasicsForm(request.POST)
        if basics.is_valid():
            with apply_domain_error(basics):
                services.user_update_profile_basics(
                    user=user,
                    full_name=basics.cleaned_data["full_name"],
                    is_candidate=basics.cleaned_data["is_candidate"],
                )
                messages.success(request, "Your account details are saved.")
                return redirect("account_settings")
    elif request.method == "POST" and request.POST.get("action") == "token":
        token_form = ApiTokenForm(request.POST)
        if token_form.is_valid():
            with apply_domain_error(token_form):
                days = token_form.cleaned_data.get("expires_in_days")
                created = services.api_token_create(
                    user=user,
                    name=token_form.cleaned_data["name"],
                    scopes=token_form.cleaned_data.get("scopes") or (),
                    expires_at=timezone.now() + timedelta(days=days) if days else None,
                )
                new_secret = created.secret
                messages.success(request, "Token created. Copy it now: it will not be shown again.")
                token_form = ApiTokenForm()
    return render(
        request,
        "accounts/settings.html",
        {
            "basics": basics,
            "token_form": token_form,
            "tokens": api_tokens_for(user),
            "new_secret": new_secret,
            "has_second_factor": has_second_factor(user),
            "mfa_required": mfa_required_for(user),
        },
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    services.api_token_revoke(user=request.user, token_id=token_id)
    messages.success(request, "Token revoked. Requests using it are now refused.")
    return redirect("account_settings")
