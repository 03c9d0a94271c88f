from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from stint.applications.services import BULK_ACTIONS
from stint.opportunities.models import Opportunity


class ApplyForm(forms.Form):
    note = forms.CharField(
        label="Why you, for this project",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=5000,
        help_text="A few sentences tailored to this project: what you would do and why you fit.",
    )

    def __init__(self, *args: Any, opportunity: Opportunity, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(opportunity.questions.all())
        # The service names an answer `answers.<question id>` (core.forms.form_field_for).
        self.service_fields = {f"answers.{q.pk}": f"answer_{q.pk}" for q in self.questions}
        for q in self.questions:
            self.fields[f"answer_{q.pk}"] = forms.CharField(
                label=q.text,
                required=q.required,
                max_length=3000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(f"answer_{q.pk}", "") for q in self.questions}


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional, shared with the candidate)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BulkForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a.title()) for a in BULK_ACTIONS])
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=())
    reason = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args: Any, choices: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [(str(i), str(i)) for i in choices]  # type: ignore[attr-defined]


class OfferForm(forms.Form):
    # Money is typed in major units (600.00) and stored in minor units (60000).
    fee = forms.DecimalField(
        label="Fee", min_value=0, max_digits=12, decimal_places=3, required=False
    )
    start_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    scope = forms.CharField(
        label="Scope of the work",
        required=False,
        max_length=12000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Prefilled from the posting; change it if you agreed something else.",
    )

    def __init__(self, *args: Any, currency: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if currency:
            self.fields["fee"].label = f"Fee ({currency})"


class OfferCounterForm(forms.Form):
    fee = forms.DecimalField(label="Fee you propose", min_value=0, max_digits=12, decimal_places=3)
    message = forms.CharField(
        label="Message to the employer",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why this fee: the offer stays open and you can still accept it as it is.",
    )

    def __init__(self, *args: Any, currency: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if currency:
            self.fields["fee"].label = f"Fee you propose ({currency})"


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Message", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachment = forms.FileField(
        required=False,
        help_text=f"Up to {settings.STINT_ATTACHMENT_MAX_BYTES // (1024 * 1024)} MB: "
        "pdf, images, text, csv or Office documents.",
    )


class InviteForm(forms.Form):
    candidate_id = forms.IntegerField(widget=forms.HiddenInput)
    message = forms.CharField(required=False, max_length=2000)
