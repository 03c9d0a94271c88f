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

    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="reviews"
    )
    side = models.CharField(max_length=9, choices=ReviewSide.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
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

    def rating_rows(self) -> list[tuple[str, int | None]]:
        """(dimension label, rating) in the order people see them."""
        from stint.reviews.rules import DIMENSIONS

        return [(label, self.ratings.get(name)) for name, label in DIMENSIONS.get(self.side, ())]

    def skill_rating_rows(self) -> list[tuple[str, int]]:
        from stint.matching.engine import skill_label

        return [(skill_label(k) or k, v) for k, v in (self.skill_ratings or {}).items()]

    @property
    def score(self) -> float | None:
        """This review's own score: the mean of its dimension ratings."""
        values = [v for _, v in self.rating_rows() if isinstance(v, int)]
        return round(sum(values) / len(values), 2) if values else None


class Portfolio(models.Model):
    """A candidate's opt-in public page at /p/<slug>/ (off by default)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolio"
    )
    slug = models.SlugField(max_length=50, unique=True)
    public = models.BooleanField(default=False)
    headline = models.CharField(max_length=140, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Portfolio /p/{self.slug}/ ({'public' if self.public else 'private'})"


class Credential(models.Model):
    """The signed Open Badges 3.0 credential issued once for a completed engagement;
    exporting again returns the same document."""

    engagement = models.OneToOneField(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="credential"
    )
    uuid = models.UUIDField(unique=True)
    document = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Credential urn:uuid:{self.uuid}"
