from __future__ import annotations

from typing import ClassVar

from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.db import models
from django.utils import timezone

from stint.sso.rules import CLAIM_MAX


class Protocol(models.TextChoices):
    OIDC = "oidc", "OpenID Connect"
    SAML = "saml", "SAML 2.0"


class InstitutionSignOn(models.Model):
    """An institution's identity provider. The protocol details (issuer or metadata,
    client id and secret) live in allauth's own SocialApp; this row ties it to the
    institution and says which claims carry email, name, programme and graduation year."""

    institution = models.OneToOneField(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="sign_on"
    )
    app = models.OneToOneField(SocialApp, on_delete=models.PROTECT, related_name="sign_on")
    protocol = models.CharField(max_length=4, choices=Protocol.choices)
    enabled = models.BooleanField(default=True)
    email_claim = models.CharField(max_length=CLAIM_MAX)
    name_claim = models.CharField(max_length=CLAIM_MAX, blank=True)
    programme_claim = models.CharField(max_length=CLAIM_MAX, blank=True)
    graduation_year_claim = models.CharField(max_length=CLAIM_MAX, blank=True)
    # Who signs in as the institution's staff: the claim and the values meaning staff
    # (e.g. eduPersonAffiliation: staff, faculty). Empty: everyone is a student.
    staff_claim = models.CharField(max_length=CLAIM_MAX, blank=True)
    staff_values = models.JSONField(default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.get_protocol_display()} for {self.institution}"

    @property
    def mapping(self) -> dict[str, str]:
        return {
            "email": self.email_claim,
            "name": self.name_claim,
            "programme": self.programme_claim,
            "graduation_year": self.graduation_year_claim,
        }


class InstitutionIdentity(models.Model):
    """A person as their institution's identity provider last described them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="institution_identities"
    )
    institution = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="identities"
    )
    subject = models.CharField(max_length=255)  # the IdP's stable id for the person
    email = models.EmailField(blank=True)
    programme = models.CharField(max_length=120, blank=True)
    graduation_year = models.PositiveSmallIntegerField(null=True, blank=True)
    # The staff membership this sign-on made (so only that one goes when the IdP
    # stops saying staff; a membership from an invitation is never touched).
    staff_by_sign_on = models.BooleanField(default=False)
    first_signed_in_at = models.DateTimeField(default=timezone.now)
    last_signed_in_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "institution"], name="identity_once_per_user"),
            models.UniqueConstraint(
                fields=["institution", "subject"], name="identity_subject_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.institution}"
