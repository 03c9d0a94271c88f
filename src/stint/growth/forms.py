from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django import forms

from stint.growth import rules
from stint.growth.models import ReferenceVisibility

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


class GoalsForm(forms.Form):
    goal1 = forms.CharField(max_length=200, label="Goal 1")
    goal2 = forms.CharField(max_length=200, required=False, label="Goal 2")
    goal3 = forms.CharField(max_length=200, required=False, label="Goal 3")

    def goals(self) -> list[dict[str, str]]:
        return [
            {"text": self.cleaned_data[f"goal{i}"]}
            for i in (1, 2, 3)
            if self.cleaned_data.get(f"goal{i}", "").strip()
        ]


class FeedbackForm(forms.Form):
    question = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        label="What would you like feedback on?",
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class ReflectionForm(forms.Form):
    learned = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=3000, label="What I learned"
    )
    differently = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        required=False,
        label="What I'd do differently",
    )
    next_steps = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=3000, required=False, label="What next"
    )
    on_portfolio = forms.BooleanField(required=False, label="Show on my portfolio")


class ReferenceRequestForm(forms.Form):
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )


class ReferenceWriteForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)


class ReferenceDeclineForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=1000, required=False
    )


class VisibilityForm(forms.Form):
    visibility = forms.ChoiceField(choices=ReferenceVisibility.choices)


class ShareForm(forms.Form):
    days = forms.IntegerField(min_value=1, max_value=rules.SHARE_DAYS_MAX, initial=14)
    recipient = forms.CharField(max_length=200, required=False, label="For (a note to yourself)")


class SettingsForm(forms.Form):
    show_connections = forms.BooleanField(
        required=False, label="Show my connections to employers I apply to"
    )
    share_skill_growth = forms.BooleanField(
        required=False, label="Let past employers see how my verified skills grow"
    )
