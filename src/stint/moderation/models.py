from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class VerificationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"


class VerificationRequest(models.Model):
    """An employer owner asks a platform admin to verify their organisation."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="verification_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The owner's verified address on the company's own domain, at request time.
    email = models.EmailField()
    website = models.URLField(blank=True)
    note = models.TextField(blank=True, max_length=2000)
    status = models.CharField(
        max_length=8, choices=VerificationStatus.choices, default=VerificationStatus.PENDING
    )
    reason = models.TextField(blank=True, max_length=2000)  # shown to the employer on refusal
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status="pending"),
                name="verification_one_pending_per_org",
            ),
        ]

    def __str__(self) -> str:
        return f"Verification of {self.organisation_id} ({self.status})"


class VerificationDocument(models.Model):
    """A supporting document; stored under an unguessable name outside the web
    root and served only to the organisation's managers and platform admins."""

    request = models.ForeignKey(
        VerificationRequest, on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(upload_to="verification/%Y/%m/")
    original_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=4)  # pdf | png | jpg
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.original_name


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACTIONED = "actioned", "Actioned"
    DISMISSED = "dismissed", "Dismissed"


class Report(models.Model):
    """Someone flagged a posting, a profile or a message."""

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    target_type = models.CharField(max_length=12)  # opportunity | profile | message
    target_id = models.PositiveBigIntegerField()
    reason = models.CharField(max_length=16)
    text = models.TextField(max_length=2000, blank=True)
    status = models.CharField(max_length=9, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    action = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        indexes: ClassVar = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["target_type", "target_id"]),
        ]
        constraints: ClassVar = [
            # Reporting the same thing twice while it is open adds nothing.
            models.UniqueConstraint(
                fields=["reporter", "target_type", "target_id"],
                condition=Q(status="open"),
                name="report_one_open_per_reporter_target",
            ),
        ]

    def __str__(self) -> str:
        return f"Report {self.pk} on {self.target_type} {self.target_id}"


class PostingReview(models.Model):
    """An admin's decision on a posting held by screening or hidden by moderation."""

    opportunity = models.ForeignKey(
        "opportunities.Opportunity", on_delete=models.CASCADE, related_name="reviews_by_admins"
    )
    flags = models.JSONField(default=list)
    decision = models.CharField(max_length=8)  # approved | refused
    reason = models.TextField(blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.decision} {self.opportunity_id}"
