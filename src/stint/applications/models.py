from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "New"
    SHORTLISTED = "shortlisted", "Shortlisted"
    OFFERED = "offered", "Offered"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    AUTO_DECLINED = "auto_declined", "Closed without selection"
    WITHDRAWN = "withdrawn", "Withdrawn"
    OFFER_DECLINED = "offer_declined", "Offer declined"
    OFFER_EXPIRED = "offer_expired", "Offer expired"


OPEN_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.SHORTLISTED,
    ApplicationStatus.OFFERED,
)


class Application(models.Model):
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", on_delete=models.CASCADE, related_name="applications"
    )
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications"
    )
    note = models.TextField(max_length=5000, blank=True)
    status = models.CharField(
        max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    decline_reason = models.TextField(blank=True, max_length=2000)
    # The engine's view at application time: score, explanation and engine version.
    fit_score = models.FloatField(null=True, blank=True)
    fit_explanation = models.JSONField(default=list, blank=True)
    engine_version = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    first_response_at = models.DateTimeField(null=True, blank=True)  # employer's first decision
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        indexes: ClassVar = [
            models.Index(fields=["opportunity", "status"]),
            models.Index(fields=["candidate", "status"]),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["opportunity", "candidate"], name="application_once_per_opportunity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} → {self.opportunity}"


class Answer(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        "opportunities.ScreeningQuestion", on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField(max_length=3000)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["application", "question"], name="answer_unique")
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question_id} on {self.application_id}"


class OfferStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the candidate"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Offer(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="offers")
    fee_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    scope = models.TextField()  # snapshot of summary + deliverables
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    expires_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=OfferStatus.choices, default=OfferStatus.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    revised_at = models.DateTimeField(null=True, blank=True)
    # The candidate's proposal of another fee, with a message; cleared on revision.
    counter_fee_minor = models.PositiveIntegerField(null=True, blank=True)
    counter_message = models.TextField(blank=True, max_length=2000)
    countered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [
            # An employer offering twice makes no second live offer.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=["pending", "accepted"]),
                name="offer_one_live_per_application",
            ),
            models.CheckConstraint(condition=Q(fee_minor__gt=0), name="offer_paid"),
        ]

    def __str__(self) -> str:
        return f"Offer for {self.application}"


class ApplyInvite(models.Model):
    """An employer suggests a candidate apply (suggested candidates)."""

    opportunity = models.ForeignKey(
        "opportunities.Opportunity", on_delete=models.CASCADE, related_name="apply_invites"
    )
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="apply_invites"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["opportunity", "candidate"], name="apply_invite_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Invite {self.candidate_id} → {self.opportunity_id}"


class Message(models.Model):
    """The thread of an application: the candidate and the employer's members."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(max_length=5000)
    attachment = models.FileField(upload_to="messages/%Y/%m/", blank=True)
    attachment_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Message {self.pk} on {self.application_id}"


class ThreadRead(models.Model):
    """How far a user has read an application's thread (for unread counts)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["application", "user"], name="thread_read_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.application_id} at {self.last_read_at}"


# --- Interviews ---------------------------------------------------------------------------


class InterviewStatus(models.TextChoices):
    PROPOSED = "proposed", "Waiting for a time to be picked"
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class Interview(models.Model):
    """An interview for a shortlisted application. One side proposes slots, the
    other picks one; the calendar event keeps one UID for its whole life and its
    SEQUENCE grows with every change (RFC 5545)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="interviews"
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=140)
    meeting_url = models.URLField(max_length=500, blank=True)
    location = models.CharField(max_length=200, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(default=30)
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    employer_time_zone = models.CharField(max_length=64, default="UTC")
    # Who proposed the current slots; the other side picks.
    proposed_by_side = models.CharField(max_length=9, default="employer")
    status = models.CharField(
        max_length=9, choices=InterviewStatus.choices, default=InterviewStatus.PROPOSED
    )
    starts_at = models.DateTimeField(null=True, blank=True)  # the picked slot (UTC)
    ends_at = models.DateTimeField(null=True, blank=True)
    sequence = models.PositiveIntegerField(default=0)
    sent_sequence = models.IntegerField(default=-1)  # the last SEQUENCE emailed
    last_change_reason = models.TextField(blank=True, max_length=1000)
    last_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "growth_interview"  # kept from before the move (ADR 0018)
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=["proposed", "scheduled"]),
                name="interview_one_live_per_application",
            ),
            models.CheckConstraint(
                condition=Q(status__in=InterviewStatus.values), name="interview_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(starts_at__isnull=False),
                name="interview_scheduled_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Interview {self.pk} for application {self.application_id}"


class InterviewSlot(models.Model):
    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    round = models.PositiveIntegerField(default=0)  # the interview's sequence when offered
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "growth_interviewslot"  # kept from before the move (ADR 0018)
        ordering: ClassVar = ["starts_at", "pk"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_has_length"),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} UTC"


class InterviewNote(models.Model):
    """The employer team's private notes: never shown to the candidate."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(max_length=5000, blank=True)
    would_recommend = models.PositiveSmallIntegerField(null=True, blank=True)  # 1..4
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "growth_interviewnote"  # kept from before the move (ADR 0018)
        ordering: ClassVar = ["created_at", "pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(would_recommend__isnull=True)
                | Q(would_recommend__gte=1, would_recommend__lte=4),
                name="interview_note_rating_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Note on interview {self.interview_id}"
