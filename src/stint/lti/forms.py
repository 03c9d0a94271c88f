"""Forms for the LTI pages; field limits come from the models."""

from __future__ import annotations

from typing import Any

from django import forms

from stint.lti.models import URL_MAX, GradeMode, Platform


class PlatformForm(forms.Form):
    name = forms.CharField(max_length=Platform._meta.get_field("name").max_length)
    issuer = forms.CharField(
        max_length=URL_MAX,
        help_text="The platform's issuer (iss), e.g. https://canvas.instructure.com",
    )
    client_id = forms.CharField(max_length=Platform._meta.get_field("client_id").max_length)
    deployment_ids = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), help_text="One per line."
    )
    auth_login_url = forms.CharField(max_length=URL_MAX, label="Authorisation (OIDC) URL")
    auth_token_url = forms.CharField(max_length=URL_MAX, label="Access token URL")
    key_set_url = forms.CharField(max_length=URL_MAX, label="Public key set (JWKS) URL")
    auth_audience = forms.CharField(
        max_length=URL_MAX, required=False, label="Token audience (only if the platform asks)"
    )

    def clean_deployment_ids(self) -> list[str]:
        return _lines(self.cleaned_data["deployment_ids"])


def _lines(raw: str) -> list[str]:
    return [line.strip() for line in raw.replace(",", "\n").splitlines() if line.strip()]


class DeploymentsForm(forms.Form):
    platform = forms.IntegerField(widget=forms.HiddenInput)
    deployment_ids = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))

    def clean_deployment_ids(self) -> list[str]:
        return _lines(self.cleaned_data["deployment_ids"])


class AttachForm(forms.Form):
    service_fields = {"opportunity_ids": "opportunities", "program_id": "program"}

    program = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    opportunities = forms.CharField(
        required=False,
        label="Project ids",
        help_text="Opportunity numbers, separated by commas.",
    )
    grade_mode = forms.ChoiceField(choices=GradeMode.choices, initial=GradeMode.COMPLETION)

    def __init__(self, *args: Any, programs: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [("", "No program"), *[(p.pk, p.name) for p in programs]]

    def clean_opportunities(self) -> list[int]:
        raw: str = self.cleaned_data.get("opportunities") or ""
        try:
            return [int(x) for x in raw.replace(" ", ",").split(",") if x.strip()]
        except ValueError as exc:
            raise forms.ValidationError("Give opportunity numbers, e.g. 12, 15.") from exc


class DeepLinkForm(forms.Form):
    service_fields = {"opportunity_ids": "opportunities", "program_id": "program"}

    program = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    opportunities = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(
        self, *args: Any, programs: Any = (), opportunities: Any = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [("", "No program"), *[(p.pk, p.name) for p in programs]]
        self.fields["opportunities"].choices = [(o.pk, o.title) for o in opportunities]
        self.fields["opportunities"].widget = forms.CheckboxSelectMultiple(
            choices=self.fields["opportunities"].choices
        )
