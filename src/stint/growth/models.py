"""Career growth: interviews, learning goals and mid-point feedback, reflections,
references (with expiring share links), connections, and the candidate's growth
settings (who may see their network and skill growth)."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

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
        "applications.Application", on_delete=models.CASCADE, related_name="interviews"
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


# --- Learning goals and mid-point feedback -----------------------------------------------


class LearningGoal(models.Model):
    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="learning_goals"
    )
    position = models.PositiveSmallIntegerField()
    skill_id = models.CharField(max_length=64, blank=True)  # a taxonomy skill, or free text
    text = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["engagement", "position"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["engagement", "position"], name="learning_goal_slot"),
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=3), name="learning_goal_at_most_three"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class FeedbackRequest(models.Model):
    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="feedback_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    question = models.TextField(max_length=2000, blank=True)
    answer = models.TextField(max_length=5000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["engagement", "-created_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["engagement"],
                condition=Q(answered_at__isnull=True),
                name="feedback_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback request on {self.engagement_id}"


# --- Reflection -------------------------------------------------------------------------------


class Reflection(models.Model):
    engagement = models.OneToOneField(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="reflection"
    )
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    learned = models.TextField(max_length=3000)
    differently = models.TextField(max_length=3000, blank=True)
    next_steps = models.TextField(max_length=3000, blank=True)
    on_portfolio = models.BooleanField(default=False)  # private by default
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Reflection on {self.engagement_id}"


# --- References -------------------------------------------------------------------------------


class ReferenceStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    WRITTEN = "written", "Written"
    DECLINED = "declined", "Declined"


class ReferenceVisibility(models.TextChoices):
    PRIVATE = "private", "Only me (and links I share)"
    PORTFOLIO = "portfolio", "On my portfolio"


class Reference(models.Model):
    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="references"
    )
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="references"
    )
    employer = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="references_written"
    )
    message = models.TextField(max_length=2000, blank=True)  # the candidate's request
    status = models.CharField(
        max_length=9, choices=ReferenceStatus.choices, default=ReferenceStatus.REQUESTED
    )
    text = models.TextField(max_length=5000, blank=True)
    decline_reason = models.TextField(max_length=1000, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    visibility = models.CharField(
        max_length=9, choices=ReferenceVisibility.choices, default=ReferenceVisibility.PRIVATE
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["engagement"],
                condition=Q(status__in=["requested", "written"]),
                name="reference_one_live_per_engagement",
            ),
            models.CheckConstraint(
                condition=~Q(status="written") | ~Q(text=""), name="reference_written_has_text"
            ),
        ]

    def __str__(self) -> str:
        return f"Reference for {self.candidate_id} from {self.employer_id}"


class ReferenceShare(models.Model):
    """A link the candidate gave a future employer. The URL carries a signed,
    timestamped [share id, nonce]; the row holds the nonce, expiry and revocation."""

    reference = models.ForeignKey(Reference, on_delete=models.CASCADE, related_name="shares")
    nonce = models.CharField(max_length=32)
    recipient = models.CharField(max_length=200, blank=True)  # a note for the candidate
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"Share of reference {self.reference_id}"


# --- Network ----------------------------------------------------------------------------------


class ConnectionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Connected"
    DECLINED = "declined", "Declined"


class Connection(models.Model):
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="connections_sent"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="connections_received"
    )
    status = models.CharField(
        max_length=8, choices=ConnectionStatus.choices, default=ConnectionStatus.PENDING
    )
    context = models.CharField(max_length=200, blank=True)  # "Acme: Data cleanup"
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["requester", "recipient"], name="connection_once"),
            models.CheckConstraint(
                condition=~Q(requester=F("recipient")), name="connection_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester_id} → {self.recipient_id} ({self.status})"


class GrowthSettings(models.Model):
    """A candidate's consents; everything off by default."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="growth_settings"
    )
    show_connections = models.BooleanField(default=False)  # to employers they applied to
    share_skill_growth = models.BooleanField(default=False)  # with past employers
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "growth settings"  # not "Growth settingss" in the admin

    def __str__(self) -> str:
        return f"Growth settings of {self.user_id}"
