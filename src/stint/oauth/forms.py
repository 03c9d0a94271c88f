from __future__ import annotations

from django import forms

REDIRECT_HELP = (
    "Where Stint sends people back after they allow your app, one per line "
    "(exact match; https, or http://127.0.0.1 with any port for apps on a computer)."
)


class AppForm(forms.Form):
    name = forms.CharField(
        max_length=100, label="App name", help_text="People see it on the consent page."
    )
    redirect_uris = forms.CharField(
        label="Redirect URIs", widget=forms.Textarea(attrs={"rows": 3}), help_text=REDIRECT_HELP
    )
    client_type = forms.ChoiceField(
        label="Kind of app",
        choices=[
            ("confidential", "A server that can keep a secret (gets a client secret)"),
            ("public", "An app on a phone, a computer or in the browser (no secret; PKCE)"),
        ],
        initial="confidential",
    )


class AppEditForm(forms.Form):
    name = forms.CharField(max_length=100, label="App name")
    redirect_uris = forms.CharField(
        label="Redirect URIs", widget=forms.Textarea(attrs={"rows": 3}), help_text=REDIRECT_HELP
    )


class ServerAppForm(forms.Form):
    name = forms.CharField(
        max_length=100, label="App name", help_text="For example: our applicant tracker."
    )
    role = forms.ChoiceField(
        label="Its role in the organisation",
        choices=[
            ("member", "Member: reads and acts (post, shortlist, offer, message)"),
            ("admin", "Admin: also moves money (needs your second factor)"),
        ],
        initial="member",
    )
