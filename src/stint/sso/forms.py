from __future__ import annotations

from django import forms

from stint.sso.metadata import MAX_BYTES
from stint.sso.models import Protocol
from stint.sso.rules import CLAIM_MAX, STAFF_VALUE_MAX, STAFF_VALUES_MAX
from stint.sso.services import CLIENT_ID_MAX, SECRET_MAX


class SignOnForm(forms.Form):
    protocol = forms.ChoiceField(choices=Protocol.choices)
    enabled = forms.BooleanField(
        required=False, initial=True, label="Offer “Sign in with …” on the login page"
    )
    issuer_url = forms.CharField(
        required=False,
        max_length=500,
        label="Issuer URL (OpenID Connect)",
        help_text="For example https://login.uni.example.edu/realms/students",
    )
    client_id = forms.CharField(required=False, max_length=CLIENT_ID_MAX, label="Client ID")
    secret = forms.CharField(
        required=False,
        max_length=SECRET_MAX,
        label="Client secret",
        widget=forms.PasswordInput(render_value=False),
        help_text="Never shown again. Leave empty to keep the one stored.",
    )
    metadata_url = forms.CharField(required=False, max_length=500, label="IdP metadata URL (SAML)")
    metadata_xml = forms.FileField(
        required=False,
        label="… or the IdP metadata file (SAML)",
        help_text=f"The identity provider's own metadata XML, up to {MAX_BYTES // 1024} KB. "
        "It fills the entity ID, sign-in URL and signing certificate below.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,application/samlmetadata+xml"}),
    )
    entity_id = forms.CharField(required=False, max_length=500, label="IdP entity ID (SAML)")
    sso_url = forms.CharField(
        required=False,
        max_length=500,
        label="IdP sign-in URL (SAML, without metadata URL)",
    )
    x509cert = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="IdP signing certificate (SAML, without metadata URL)",
    )
    email_claim = forms.CharField(max_length=CLAIM_MAX, label="Claim or attribute: email")
    name_claim = forms.CharField(required=False, max_length=CLAIM_MAX, label="… name")
    programme_claim = forms.CharField(required=False, max_length=CLAIM_MAX, label="… programme")
    graduation_year_claim = forms.CharField(
        required=False, max_length=CLAIM_MAX, label="… graduation year"
    )
    staff_claim = forms.CharField(
        required=False,
        max_length=CLAIM_MAX,
        label="Claim or attribute saying who is staff",
        help_text="For example eduPersonAffiliation, urn:oid:1.3.6.1.4.1.5923.1.1.1.1. "
        "Leave empty and everyone signs in as a student.",
    )
    staff_values = forms.CharField(
        required=False,
        max_length=STAFF_VALUES_MAX * (STAFF_VALUE_MAX + 2),
        label="… its values meaning staff",
        help_text="Comma-separated, e.g. staff, faculty, employee. Only people whose address "
        "is in your verified domains sign in as staff.",
    )


class FindInstitutionForm(forms.Form):
    email = forms.EmailField(label="Your university email")
