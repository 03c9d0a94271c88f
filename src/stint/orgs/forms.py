from __future__ import annotations

from django import forms

from stint.orgs.models import OrgKind, OrgRole


class OrganisationForm(forms.Form):
    kind = forms.ChoiceField(choices=OrgKind.choices, label="This organisation is")
    name = forms.CharField(max_length=120)
    website = forms.URLField(required=False, assume_scheme="https")
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=4000
    )


class OrganisationEditForm(OrganisationForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        del self.fields["kind"]


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(choices=OrgRole.choices, initial=OrgRole.MEMBER)


class DomainForm(forms.Form):
    domain = forms.CharField(
        max_length=253, help_text="For example uni.example.edu. A platform admin verifies it."
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=OrgRole.choices)
