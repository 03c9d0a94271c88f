from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from stint.core.paging import page_number, page_of
from stint.notifications import selectors, services
from stint.notifications.kinds import kinds_for


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    shown = page_of(selectors.notifications_for(request.user), page_number(request))
    return render(
        request,
        "notifications/list.html",
        {
            "notifications": shown.items,
            "shown": shown,
            "unread": selectors.unread_count(request.user),
        },
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one read; then follow its link (`next`, same site only)."""
    services.notification_mark_read(user=request.user, notification_id=notification_id)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notification_list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    n = services.notification_mark_read(user=request.user)
    messages.success(request, f"{n} marked read." if n else "Nothing unread.")
    return redirect("notification_list")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.preferences_set(
            user=request.user,
            choices=[
                (
                    kind,
                    request.POST.get(f"{kind}:in_app") == "on",
                    request.POST.get(f"{kind}:email") == "on",
                )
                # Only the kinds the page showed: hidden ones keep their saved choice.
                for kind in kinds_for(request.user.roles)
            ],
        )
        messages.success(request, "Your notification settings are saved.")
        return redirect("notification_settings")
    return render(
        request,
        "notifications/settings.html",
        {"preferences": selectors.preferences_of(request.user)},
    )


@require_GET
def notification_badge(request: HttpRequest) -> HttpResponse:
    """The bell's count alone, which every page asks for every 30 seconds (htmx), so new
    notifications show without a reload. Signed out: 286, htmx's "stop polling"."""
    if not request.user.is_authenticated:
        return HttpResponse(status=286)
    return render(
        request,
        "notifications/_badge.html",
        {"unread_notifications": selectors.unread_count(request.user)},
    )
