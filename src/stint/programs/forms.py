from __future__ import annotations

from typing import Any

from django import forms

from stint.programs.models import PriorityMode


class ProgramForm(forms.Form):
    institution_id = forms.TypedChoiceField(coerce=int, label="Institution")
    name = forms.CharField(max_length=140)
    description = forms.CharField(widget=forms.Textarea, required=False, max_length=5000)
    credit_bearing = forms.BooleanField(required=False, label="Awards academic credit")
    credits = forms.IntegerField(min_value=0, max_value=60, initial=0)
    priority_mode = forms.ChoiceField(
        choices=PriorityMode.choices, label="Institution priority order"
    )

    def __init__(self, *args: Any, institutions: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution_id"].choices = institutions  # type: ignore[attr-defined]


class WindowForm(forms.Form):
    ranking_opens = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ranking_closes = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class EntryForm(forms.Form):
    opportunity_id = forms.IntegerField(min_value=1, label="Opportunity")
    openings = forms.IntegerField(min_value=1, max_value=1000, initial=1)


class EmailsForm(forms.Form):
    emails = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One address per line (or separated by commas).",
    )

    def clean_emails(self) -> list[str]:
        raw = self.cleaned_data["emails"].replace(",", "\n")
        return [e.strip() for e in raw.splitlines() if e.strip()]


class RunForm(forms.Form):
    optimal = forms.ChoiceField(
        choices=[("student", "Student-optimal (recommended)"), ("project", "Employer-optimal")],
        initial="student",
    )


class RankForm(forms.Form):
    """One select per position; leave the rest blank."""

    def __init__(self, *args: Any, entries: list[tuple[int, str]], slots: int, **kwargs: Any):
        super().__init__(*args, **kwargs)
        options = [("", "—"), *entries]
        for i in range(1, slots + 1):
            self.fields[f"choice_{i}"] = forms.TypedChoiceField(
                choices=options,
                coerce=int,
                required=False,
                empty_value=None,
                label=f"Choice {i}",
            )

    def entry_ids(self) -> list[int]:
        return [
            v
            for k, v in sorted(self.cleaned_data.items(), key=lambda kv: int(kv[0].split("_")[1]))
            if v is not None
        ]
