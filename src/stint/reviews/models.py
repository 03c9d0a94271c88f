from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class ReviewSide(models.TextChoices):
    EMPLOYER = "employer", "The employer reviews the candidate"
    CANDIDATE = "candidate", "The candidate reviews the employer"


class Review(models.Model):
    """One per side per engagement; double-blind: visible when both are in or
    after the reveal delay (`visible_at`)."""

    engagement = models.ForeignKey("engagements.Engagement", on_delete=models.CASCADE, related_name="reviews")
    side = models.CharField(max_length=9, choices=ReviewSide.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # Ratings 1-5 on named dimensions, e.g. {"quality": 5, "communication": 4, "timeliness": 5}.
    ratings = models.JSONField(default=dict)
    # Employer side only: 1-5 per skill used, {esco_skill_id: rating}.
    skill_ratings = models.JSONField(default=dict, blank=True)
    text = models.TextField(max_length=4000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    visible_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["engagement", "side"], name="review_one_per_side"),
        ]

    def __str__(self) -> str:
        return f"{self.side} review of engagement {self.engagement_id}"
