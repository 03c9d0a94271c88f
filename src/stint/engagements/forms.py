from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from stint.core.money import Money
from stint.engagements import rules
from stint.engagements.models import Milestone
from stint.opportunities.rules import amount_to_minor


def _add_milestone_field(
    form: forms.Form, milestones: Sequence[Milestone], label: str, first: bool = True
) -> None:
    """A required choice of milestone (named like the services' `milestone_id`),
    when the engagement is paid milestone by milestone."""
    if not milestones:
        return
    form.fields["milestone_id"] = forms.TypedChoiceField(
        label=label,
        coerce=int,
        choices=[
            (
                m.pk,
                f"{m.position}. {m.title} ({Money(m.amount_minor, m.engagement.currency)}"
                f", {m.get_status_display().lower()})",
            )
            for m in milestones
        ],
    )
    if first:  # shown before the other fields
        form.order_fields(["milestone_id", *[n for n in form.fields if n != "milestone_id"]])


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(d, initial) for d in items]


class SubmissionForm(forms.Form):
    text = forms.CharField(
        label="What you are handing in",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=rules.MAX_TEXT,
    )
    links = forms.CharField(
        label="Links (one a line)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=rules.MAX_LINKS * 510,
    )
    files = MultipleFileField(
        label="Files", required=False, help_text=f"Up to {rules.MAX_FILES} files."
    )

    def __init__(self, *args: Any, milestones: Sequence[Milestone] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _add_milestone_field(self, milestones, "Milestone")

    def clean_links(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve and pay"), ("changes", "Request changes")],
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=5000
    )

    def __init__(self, *args: Any, milestones: Sequence[Milestone] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _add_milestone_field(self, milestones, "Milestone to review")
        if milestones:
            self.fields["decision"].choices = [
                ("approve", "Approve and pay this milestone"),
                ("changes", "Request changes"),
            ]


class CancelForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class _AmountToCandidate(forms.Form):
    """The amount to the candidate, typed in major units (150.00) and handed to
    the services as `to_candidate_minor` (15000), as everywhere money is typed."""

    to_candidate = forms.DecimalField(min_value=0, max_digits=14, decimal_places=3)

    def __init__(self, *args: Any, currency: str = "USD", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.fields["to_candidate"].label = f"Amount to the candidate ({currency})"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "to_candidate" in data:
            amount = data.pop("to_candidate")
            try:
                data["to_candidate_minor"] = amount_to_minor(amount, self.currency)
            except ValueError:
                self.add_error("to_candidate", f"Use an amount in {self.currency}, e.g. 150.00.")
        return data


class SplitForm(_AmountToCandidate):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class StatementForm(forms.Form):
    statement = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)


class ResolveForm(_AmountToCandidate):
    resolution = forms.CharField(
        label="Written resolution", widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )


class TimeLogForm(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    minutes = forms.IntegerField(min_value=1, max_value=24 * 60)
    note = forms.CharField(required=False, max_length=200)


class MilestonesForm(forms.Form):
    """Amounts are typed in major units (200.00), as people think of money, and
    stored in minor units (20000)."""

    lines = forms.CharField(
        label="Milestones",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="One a line: the amount, a space, then the title "
        "(e.g. “200.00 First draft”). The amounts must add up to the fee. Leave empty for none.",
    )

    def __init__(self, *args: Any, currency: str = "USD", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.fields["lines"].help_text = (
            f"One a line: the amount in {currency}, a space, then the title "
            "(e.g. “200.00 First draft”). The amounts must add up to the fee. "
            "Leave empty for none."
        )

    def clean_lines(self) -> list[tuple[int, str]]:
        out = []
        errors = []  # every bad line at once, not one per submit
        for n, line in enumerate(self.cleaned_data["lines"].splitlines(), start=1):
            if not line.strip():
                continue
            amount, _, title = line.strip().partition(" ")
            try:
                out.append((amount_to_minor(amount.replace(",", ""), self.currency), title.strip()))
            except ValueError:
                errors.append(
                    f"Line {n} should start with an amount in {self.currency}, e.g. 200.00."
                )
        if errors:
            raise forms.ValidationError(errors)
        return out
