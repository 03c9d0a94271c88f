from __future__ import annotations

from django import forms

from stint.core.money import CURRENCY_CHOICES


class PayoutForm(forms.Form):
    currency = forms.ChoiceField(choices=CURRENCY_CHOICES)
    # Generated when the page is shown: a double-submitted form pays out once.
    idempotency_key = forms.CharField(max_length=180, widget=forms.HiddenInput)
