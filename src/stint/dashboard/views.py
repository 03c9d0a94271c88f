from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from stint.dashboard.selectors import dashboard_for


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """One page per person, with a panel for each of their roles."""
    return render(
        request,
        "dashboard/dashboard.html",
        {"d": dashboard_for(request.user, request.session.get("joining_as"))},
    )
