from __future__ import annotations

from typing import Any

from django import forms

from stint.institutions import roster, rules
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


def _program_choices(programs: list[Any]) -> list[tuple[str, str]]:
    return [("", "The whole institution")] + [(str(p.pk), f"Program: {p.name}") for p in programs]


class RosterUploadForm(forms.Form):
    program = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Import the roster of"
    )
    csv = forms.FileField(
        label="CSV file",
        help_text="Columns: email, name, programme, graduation_year (the first row names them). "
        "Save it as “CSV UTF-8”. You will see a preview; nothing is saved until you confirm.",
    )

    def __init__(self, *args: Any, programs: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = _program_choices(programs)

    def clean_csv(self) -> str:
        upload = self.cleaned_data["csv"]
        if upload.size > roster.MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {roster.MAX_BYTES // (1024 * 1024)} MB."
            )
        try:
            return roster.decode_upload(upload.read())
        except roster.RosterFileError as exc:
            raise forms.ValidationError(str(exc)) from exc


class RosterConfirmForm(forms.Form):
    """The previewed file, carried back unchanged; the service checks it again."""

    program = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, widget=forms.HiddenInput
    )
    csv = forms.CharField(widget=forms.HiddenInput, strip=False, max_length=roster.MAX_BYTES)

    def __init__(self, *args: Any, programs: list[Any], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "confirm_%s")  # shares a page with the upload form
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = _program_choices(programs)
