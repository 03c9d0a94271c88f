from __future__ import annotations

from django import forms

from stint.core.money import CURRENCY_CHOICES


class PayoutForm(forms.Form):
    currency = forms.ChoiceField(choices=CURRENCY_CHOICES)
    # Generated when the page is shown: a double-submitted form pays out once.
    idempotency_key = forms.CharField(max_length=180, widget=forms.HiddenInput)


class PayoutSetupForm(forms.Form):
    country = forms.CharField(
        label="Country of your bank account",
        max_length=2,
        required=False,
        help_text="Two letters, e.g. US or GB. Leave empty for the platform's country.",
    )


class PaymentSetupForm(forms.Form):
    billing_email = forms.EmailField(
        label="Billing email", required=False, help_text="Receipts go here; default: yours."
    )
