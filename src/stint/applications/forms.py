from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django import forms
from django.conf import settings

from stint.applications import rules
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


# --- Interviews ---------------------------------------------------------------------------

_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _zones() -> list[tuple[str, str]]:
    from stint.profiles.rules import time_zone_names

    return [(z, z) for z in time_zone_names()]


class SlotsMixin(forms.Form):
    """Up to three times, typed in the chosen time zone and stored in UTC."""

    time_zone = forms.ChoiceField(label="Times are in", choices=())
    slot1 = forms.DateTimeField(label="Time 1", widget=_LOCAL, input_formats=["%Y-%m-%dT%H:%M"])
    slot2 = forms.DateTimeField(
        label="Time 2", widget=_LOCAL, required=False, input_formats=["%Y-%m-%dT%H:%M"]
    )
    slot3 = forms.DateTimeField(
        label="Time 3", widget=_LOCAL, required=False, input_formats=["%Y-%m-%dT%H:%M"]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = _zones()

    def utc_slots(self) -> list[datetime]:
        tz = rules.zone(self.cleaned_data["time_zone"])
        out = []
        for name in ("slot1", "slot2", "slot3"):
            value = self.cleaned_data.get(name)
            if value is None:
                continue
            # The form may hand back an aware datetime in the server zone: read the wall time.
            naive = value.replace(tzinfo=None)
            out.append(naive.replace(tzinfo=tz).astimezone(UTC))
        return out


class InterviewProposeForm(SlotsMixin):
    title = forms.CharField(max_length=140, required=False)
    duration_minutes = forms.IntegerField(
        min_value=rules.MIN_DURATION, max_value=rules.MAX_DURATION, initial=30
    )
    meeting_url = forms.URLField(
        required=False, max_length=500, assume_scheme="https", label="Meeting link"
    )
    location = forms.CharField(max_length=200, required=False)


class RescheduleForm(SlotsMixin):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class CancelForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class PickForm(forms.Form):
    slot_id = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect, label="Pick a time")

    def __init__(self, *args: Any, slots: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["slot_id"].choices = [
            (s.id, f"{s.candidate_local} · {s.employer_local}") for s in slots
        ]

    def clean_slot_id(self) -> int:
        return int(self.cleaned_data["slot_id"])


class NoteForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )
    would_recommend = forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "—"), (1, "1 · no"), (2, "2 · maybe"), (3, "3 · yes"), (4, "4 · strongly")],
        label="Would recommend",
    )
