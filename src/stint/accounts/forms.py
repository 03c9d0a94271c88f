from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from oauth2_provider.scopes import get_scopes_backend

from stint.accounts.models import User
from stint.core.text import validate_single_line


class SignupRoleForm(forms.Form):
    """Extra sign-up fields: a name and what the person comes to Stint for."""

    full_name = forms.CharField(
        max_length=150, required=False, label="Your name", validators=[validate_single_line]
    )
    joining_as = forms.ChoiceField(
        choices=[
            ("candidate", "I want to find paid projects (student or early-career)"),
            ("employer", "I want to post projects for my organisation"),
            ("institution", "I work in a university's career services"),
        ],
        initial="candidate",
        widget=forms.RadioSelect,
        label="I am joining as",
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        user.full_name = self.cleaned_data.get("full_name", "")
        user.is_candidate = self.cleaned_data.get("joining_as") == "candidate"
        user.save(update_fields=["full_name", "is_candidate"])
        # Employers and staff finish by creating or joining an organisation;
        # the dashboard says so.
        request.session["joining_as"] = self.cleaned_data.get("joining_as")


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=80, label="Token name", help_text="For example: my laptop, a CI job."
    )
    scopes = forms.MultipleChoiceField(
        required=False,
        label="Limit it to",
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick none for a token with every right you have.",
    )
    expires_in_days = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=366,
        label="Expires after (days)",
        help_text="Leave empty for a token that works until you revoke it.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The OAuth scopes (stint.oauth.rules), read through DOT's backend: accounts
        # sits below stint.oauth in the layering.
        scopes = get_scopes_backend().get_all_scopes()
        self.fields["scopes"].choices = [(k, f"{k}: {v}") for k, v in scopes.items()]


class AccountBasicsForm(forms.Form):
    full_name = forms.CharField(max_length=150, required=False, label="Your name")
    is_candidate = forms.BooleanField(
        required=False, label="I look for micro-internships (candidate)"
    )
