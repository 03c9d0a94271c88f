from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class EngagementStatus(models.TextChoices):
    FUNDED = "funded", "Funded"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted for review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    PAID = "paid", "Paid"
    CANCELLED = "cancelled", "Cancelled"
    DISPUTED = "disputed", "In dispute"
    RESOLVED = "resolved", "Dispute resolved"


class Engagement(models.Model):
    """The work that follows an accepted offer, with a snapshot of its terms."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="engagement"
    )
    offer = models.OneToOneField(
        "applications.Offer", on_delete=models.PROTECT, related_name="engagement"
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", on_delete=models.PROTECT, related_name="engagements"
    )
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="engagements"
    )
    employer = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="engagements"
    )
    status = models.CharField(
        max_length=18, choices=EngagementStatus.choices, default=EngagementStatus.FUNDED
    )
    # Snapshot of the accepted offer: later edits to the posting never change it.
    title = models.CharField(max_length=140)
    scope = models.TextField()
    deliverables = models.TextField(blank=True)
    fee_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    change_rounds = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        indexes: ClassVar = [
            models.Index(fields=["candidate", "status"]),
            models.Index(fields=["employer", "status"]),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(fee_minor__gt=0), name="engagement_paid")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.candidate})"

    @property
    def ledger_ref(self) -> str:
        """The opaque reference the payments ledger knows this engagement by."""
        return f"engagement:{self.pk}"


class VerifiedSkill(models.Model):
    """A skill the employer confirmed the candidate demonstrated in an engagement."""

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="verified_skills"
    )
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verified_skills"
    )
    skill_id = models.CharField(max_length=64)
    label = models.CharField(max_length=200)
    level = models.PositiveSmallIntegerField(default=2)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["engagement", "skill_id"], name="verified_skill_once"),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=4), name="verified_skill_level"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ✓"


class FollowUpKind(models.TextChoices):
    INTERNSHIP = "internship", "Internship"
    JOB = "job", "Job"
    PROJECT = "project", "Another project"


class FollowUpStatus(models.TextChoices):
    OFFERED = "offered", "Offered"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class FollowUpOffer(models.Model):
    """An employer's invitation to a longer role after an engagement, and its outcome."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="follow_ups")
    employer = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="follow_up_offers"
    )
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follow_up_offers"
    )
    kind = models.CharField(max_length=10, choices=FollowUpKind.choices)
    role_title = models.CharField(max_length=140)
    message = models.TextField(blank=True, max_length=4000)
    status = models.CharField(
        max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OFFERED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["engagement"], condition=Q(status="offered"), name="follow_up_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role_title} for {self.candidate}"
