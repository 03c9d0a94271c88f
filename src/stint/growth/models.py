"""Career growth: learning goals and mid-point feedback, reflections, connections,
and the candidate's growth settings (who may see their network and skill growth).
Interviews now live in applications, references in reviews (decision 0018)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

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
