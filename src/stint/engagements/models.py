from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
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
    # Set once the employer's payment is in escrow (the row is created first, then funded).
    funded_at = models.DateTimeField(null=True, blank=True)
    # What left escrow for the candidate: the approved milestones' shares while open,
    # then the fee on paid or the agreed or decided share on a split; null while
    # nothing was released, or after a full refund before any milestone was approved.
    released_minor = models.PositiveIntegerField(null=True, blank=True)
    auto_approved = models.BooleanField(default=False)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # Set when the work starts with milestones: each is then submitted, approved and
    # paid on its own. (Engagements started before milestone payments existed keep
    # False: their milestones were a plan, and they are approved and paid as a whole.)
    by_milestone = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        indexes: ClassVar = [
            models.Index(fields=["candidate", "status"]),
            models.Index(fields=["employer", "status"]),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(fee_minor__gt=0), name="engagement_paid"),
            models.CheckConstraint(
                condition=Q(status__in=EngagementStatus.values), name="engagement_status_known"
            ),
            models.CheckConstraint(
                condition=Q(released_minor__isnull=True) | Q(released_minor__lte=F("fee_minor")),
                name="engagement_release_within_fee",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid")
                | Q(paid_at__isnull=False, released_minor__isnull=False),
                name="engagement_paid_recorded",
            ),
            models.CheckConstraint(
                condition=Q(by_milestone=False) | Q(started_at__isnull=False),
                name="engagement_by_milestone_once_started",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.candidate})"

    @property
    def ledger_ref(self) -> str:
        """The opaque reference the payments ledger knows this engagement by."""
        return f"engagement:{self.pk}"


class MilestoneStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUBMITTED = "submitted", "Submitted for review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved and released"


class Milestone(models.Model):
    """A part of the work with its share of the fee; the shares add up to the fee.
    Each is submitted and reviewed on its own; approving one releases its share."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=140)
    amount_minor = models.PositiveIntegerField()
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=17, choices=MilestoneStatus.choices, default=MilestoneStatus.PENDING
    )
    change_rounds = models.PositiveSmallIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    # Approval and release happen in one transaction: approved ⇔ released.
    released_at = models.DateTimeField(null=True, blank=True)
    auto_approved = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = ["engagement", "position"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["engagement", "position"], name="milestone_position"),
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="milestone_has_share"),
            models.CheckConstraint(
                condition=Q(status__in=MilestoneStatus.values), name="milestone_status_known"
            ),
            models.CheckConstraint(
                condition=Q(status="approved", approved_at__isnull=False, released_at__isnull=False)
                | (~Q(status="approved") & Q(released_at__isnull=True)),
                name="milestone_released_when_approved",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(submitted_at__isnull=False),
                name="milestone_submitted_recorded",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Decision(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Approved"
    AUTO_APPROVED = "auto_approved", "Approved automatically"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    CLOSED = "closed", "Closed without a decision"


class Submission(models.Model):
    """One version of the deliverables, and the employer's decision on it."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="submissions")
    # Set when the engagement has milestones: versions count per milestone.
    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="submissions",
    )
    version = models.PositiveSmallIntegerField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(blank=True, max_length=10_000)
    created_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=18, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comments = models.TextField(blank=True, max_length=5000)
    reminders_sent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["engagement", "-version"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["engagement", "version"],
                condition=Q(milestone__isnull=True),
                name="submission_version",
            ),
            models.UniqueConstraint(
                fields=["milestone", "version"],
                condition=Q(milestone__isnull=False),
                name="submission_milestone_version",
            ),
            models.UniqueConstraint(
                fields=["engagement"],
                condition=Q(decision="pending", milestone__isnull=True),
                name="submission_one_pending",
            ),
            models.UniqueConstraint(
                fields=["milestone"],
                condition=Q(decision="pending", milestone__isnull=False),
                name="submission_milestone_one_pending",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["decision", "created_at"])]

    def __str__(self) -> str:
        if self.milestone_id:
            return f"v{self.version} of milestone {self.milestone_id} of {self.engagement_id}"
        return f"v{self.version} of {self.engagement_id}"


class ItemKind(models.TextChoices):
    FILE = "file", "File"
    LINK = "link", "Link"


class SubmissionItem(models.Model):
    """A file (stored under an unguessable name, served only after an access
    check) or a link in a submission."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=4, choices=ItemKind.choices)
    file = models.FileField(upload_to="engagements/%Y/%m/", blank=True)
    name = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering: ClassVar = ["submission", "pk"]

    def __str__(self) -> str:
        return self.name or self.url


class ProposalStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class SplitProposal(models.Model):
    """One side proposes how much of the escrow the candidate gets for ending
    early; the other side accepts (escrow splits) or declines."""

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="split_proposals"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    side = models.CharField(max_length=9)
    to_candidate_minor = models.PositiveIntegerField()
    note = models.TextField(blank=True, max_length=2000)
    status = models.CharField(
        max_length=9, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["engagement", "-created_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["engagement"], condition=Q(status="pending"), name="split_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.to_candidate_minor} to candidate ({self.status})"


class DisputeStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class Dispute(models.Model):
    """Either side's disagreement, the other side's answer, and a platform
    admin's decision on how the escrow is split."""

    engagement = models.OneToOneField(Engagement, on_delete=models.CASCADE, related_name="dispute")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opener_side = models.CharField(max_length=9)
    opener_statement = models.TextField(max_length=5000)
    previous_status = models.CharField(max_length=18)
    response_statement = models.TextField(blank=True, max_length=5000)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=8, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    resolution = models.TextField(blank=True, max_length=5000)
    to_candidate_minor = models.PositiveIntegerField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["created_at"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~Q(status="resolved")
                | Q(to_candidate_minor__isnull=False, resolved_at__isnull=False),
                name="dispute_resolution_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"Dispute on {self.engagement_id} ({self.status})"


class TimeLog(models.Model):
    """Hours the candidate logged; shown to them as an effective hourly rate."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="time_logs")
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    minutes = models.PositiveIntegerField()
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["engagement", "-day", "-pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(minutes__gt=0, minutes__lte=24 * 60), name="time_log_minutes"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.minutes} min on {self.day}"
