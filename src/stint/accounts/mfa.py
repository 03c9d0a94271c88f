"""Where the second-factor requirement is enforced: one rule (`rules.mfa_required`,
read through `selectors.mfa_setup_missing_for`), applied by a decorator on the pages
that move money, by `require_second_factor` in the API operations that do, and on
the Django admin (see `accounts/admin.py`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from stint.accounts.rules import MFA_SETUP_MESSAGE
from stint.accounts.selectors import mfa_setup_missing_for
from stint.core.errors import Forbidden

SETUP_URL_NAME = "mfa_index"  # allauth's page listing the authenticator app, keys and codes


class MfaRequired(Forbidden):
    """403: the operation moves money and the caller has no second factor yet."""

    code = "mfa_required"


def require_second_factor(user: Any) -> None:
    """API operations that move money call this first: 403 with a `detail` that
    says what to do, until the person has set up a second factor."""
    if mfa_setup_missing_for(user):
        raise MfaRequired(MFA_SETUP_MESSAGE)


def second_factor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages that move money (and the admin site): someone who must have a second
    factor and has none is sent to set one up first; nothing else happens."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and mfa_setup_missing_for(request.user):
            messages.warning(request, MFA_SETUP_MESSAGE)
            return redirect(SETUP_URL_NAME)
        return view(request, *args, **kwargs)

    return wrapper
