from __future__ import annotations

from typing import Any

from django import forms

from stint.moderation import rules


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class VerificationRequestForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Anything that helps us confirm your company (registration number, links).",
    )
    documents = MultipleFileField(
        required=False,
        help_text="Optional: up to 5 PDF, PNG or JPEG files (e.g. a company registration extract).",
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ReportForm(forms.Form):
    target_type = forms.ChoiceField(
        choices=[(t, t) for t in rules.TARGET_TYPES], widget=forms.HiddenInput
    )
    target_id = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    reason = forms.ChoiceField(choices=list(rules.REASONS.items()), widget=forms.RadioSelect)
    text = forms.CharField(
        required=False,
        max_length=2000,
        label="What is wrong?",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ResolveForm(forms.Form):
    action = forms.ChoiceField(choices=list(rules.ACTION_LABELS.items()), widget=forms.RadioSelect)
    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required for every action but dismissal; shown to the person concerned.",
    )


class AuditFilterForm(forms.Form):
    action = forms.CharField(required=False, max_length=60)
    actor = forms.CharField(required=False, max_length=120, help_text="User id or part of an email")
    target_type = forms.CharField(required=False, max_length=40)
    target_id = forms.CharField(required=False, max_length=40)
    since = forms.DateTimeField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateTimeField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
