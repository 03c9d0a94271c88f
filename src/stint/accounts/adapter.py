from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse

# The role chosen at sign-up (SignupRoleForm keeps it in the session) leads to its
# first step, until that step is done (issue 14: nobody lands on a generic page).
JOINING_AS = "joining_as"


def first_step_url(request: HttpRequest) -> str:
    """Where someone goes after signing up or in: their role's first step, else the dashboard."""
    user = request.user
    joining = request.session.get(JOINING_AS)
    if not getattr(user, "is_authenticated", False) or joining is None:
        return "/dashboard/"
    roles = user.roles  # type: ignore[union-attr]
    if joining in ("employer", "institution"):
        if joining not in roles:  # no organisation yet: create one (or accept an invitation)
            return f"{reverse('org_create')}?kind={joining}"
        request.session.pop(JOINING_AS, None)
        return "/dashboard/"
    request.session.pop(JOINING_AS, None)  # a candidate's first step is shown once
    return reverse("profile_edit") if joining == "candidate" else "/dashboard/"


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return first_step_url(request)

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return first_step_url(request)
