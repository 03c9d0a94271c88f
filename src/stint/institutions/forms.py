from __future__ import annotations

from typing import Any

from django import forms

from stint.institutions import rules
from stint.institutions.models import EquityGroup


class ConsentForm(forms.Form):
    """One checkbox per thing a student may share; unchecked means not shared."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for scope in rules.SCOPES:
            self.fields[scope] = forms.BooleanField(required=False, label=rules.SCOPE_LABELS[scope])


class DeclarationForm(forms.Form):
    groups = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Groups I belong to"
    )
    prefer_not_to_say = forms.BooleanField(required=False, label="Prefer not to say")

    def __init__(self, *args: Any, groups: list[EquityGroup], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "decl_%s")  # shares a page with the consent form
        super().__init__(*args, **kwargs)
        self.fields["groups"].choices = [(str(g.pk), f"{g.category}: {g.label}") for g in groups]


class GroupForm(forms.Form):
    category = forms.CharField(max_length=60)
    label = forms.CharField(max_length=80, label="Group")


class EndorsementForm(forms.Form):
    opportunity_id = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    note = forms.CharField(
        required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    promoted = forms.BooleanField(required=False, label="Promote to the top of the list")
