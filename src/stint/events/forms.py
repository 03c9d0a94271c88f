from __future__ import annotations

from django import forms

from stint.events.rules import KINDS


class WebhookForm(forms.Form):
    url = forms.CharField(
        label="Receiver URL",
        max_length=500,
        help_text="https:// address of your server that receives the events.",
    )
    kinds = forms.MultipleChoiceField(
        label="Events",
        choices=[(k, k) for k in KINDS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to receive every event.",
    )
