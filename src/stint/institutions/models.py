"""Career services: what a student lets their institution see (Consent, with an
append-only log of every change), self-declared equity groups (stored only with
consent, shown to staff only in aggregate), and endorsements of opportunities."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from stint.institutions.rules import SCOPES


class Consent(models.Model):
    """The current state of one student's consent towards one institution.

    Nothing is shared until the student says so: every toggle defaults to off.
    Staff selectors read this row on every request (no caching), so turning a
    toggle off hides the data at once."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="institution_consents"
    )
    institution = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="student_consents"
    )
    share_applications = models.BooleanField(default=False)
    share_selections = models.BooleanField(default=False)
    share_completions = models.BooleanField(default=False)  # completions and earnings
    share_skills = models.BooleanField(default=False)
    share_ratings = models.BooleanField(default=False)
    share_follow_ups = models.BooleanField(default=False)
    share_groups = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["student", "institution"], name="consent_unique"),
        ]

    def __str__(self) -> str:
        return f"Consent of {self.student_id} to {self.institution_id}"

    def scopes(self) -> dict[str, bool]:
        return {scope: bool(getattr(self, f"share_{scope}")) for scope in SCOPES}

    @property
    def shares_anything(self) -> bool:
        return any(self.scopes().values())


class ConsentEvent(models.Model):
    """Append-only record of each grant and withdrawal, with its time."""

    consent = models.ForeignKey(Consent, on_delete=models.CASCADE, related_name="events")
    scope = models.CharField(max_length=16)
    granted = models.BooleanField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.scope} {'granted' if self.granted else 'withdrawn'} at {self.at}"


class EquityGroup(models.Model):
    """One entry of an institution's configurable list of self-declarable groups."""

    institution = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="equity_groups"
    )
    category = models.CharField(max_length=60)  # e.g. "Gender", "Background"
    label = models.CharField(max_length=80)  # e.g. "First-generation student"
    position = models.PositiveSmallIntegerField(default=0)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["category", "position", "label"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["institution", "category", "label"],
                condition=Q(archived_at__isnull=True),
                name="equity_group_unique_live",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.label}"


class GroupDeclaration(models.Model):
    """A student's self-declared groups for one institution. Exists only while the
    student consents to share groups (withdrawal deletes it)."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_declarations"
    )
    institution = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="group_declarations"
    )
    groups = models.ManyToManyField(EquityGroup, blank=True, related_name="declarations")
    prefer_not_to_say = models.BooleanField(default=False)
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["student", "institution"], name="group_declaration_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Groups of {self.student_id} at {self.institution_id}"


class Endorsement(models.Model):
    """Career services recommend (and optionally promote) an opportunity to their students."""

    institution = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="endorsements"
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", on_delete=models.CASCADE, related_name="endorsements"
    )
    note = models.TextField(max_length=1000, blank=True)
    promoted = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-promoted", "-created_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["institution", "opportunity"], name="endorsement_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution_id} endorses {self.opportunity_id}"


class RosterEntry(models.Model):
    """A student on an institution's roster (imported from a CSV), for the whole
    institution or for one cohort program. Keyed by email: the student may not
    have a Stint account yet."""

    institution = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="roster"
    )
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, null=True, blank=True, related_name="roster"
    )
    email = models.EmailField(max_length=254)  # stored lower-case
    full_name = models.CharField(max_length=150)
    programme = models.CharField(max_length=120, blank=True)
    graduation_year = models.PositiveSmallIntegerField(null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "roster entries"
        ordering: ClassVar = ["full_name", "email"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["institution", "email"],
                condition=Q(program__isnull=True),
                name="roster_once_per_institution",
            ),
            models.UniqueConstraint(
                fields=["program", "email"],
                condition=Q(program__isnull=False),
                name="roster_once_per_program",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} on the roster of {self.institution_id}"
