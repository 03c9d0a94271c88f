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
    exporting again returns the same document (until it is revoked).

    `status_list`/`status_index` are its place in the published revocation list
    (W3C Bitstring Status List, `credentialStatus` in the document); credentials
    issued before revocation existed have none, and are checked by id instead."""

    engagement = models.OneToOneField(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="credential"
    )
    uuid = models.UUIDField(unique=True)
    document = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    status_list = models.PositiveIntegerField(null=True, blank=True)
    status_index = models.PositiveIntegerField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revocation_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="credential_status_slot_once"
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | ~models.Q(revocation_reason=""),
                name="credential_revocation_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Credential urn:uuid:{self.uuid}"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class SigningKey(models.Model):
    """The public half of every key that has signed credentials. Verification accepts
    any of them (matched by key id), and /p/keys/platform.json publishes them all, so
    credentials signed before a rotation stay verifiable. The private key lives only
    in STINT_SIGNING_KEY (or var/signing_key.pem in development)."""

    public_multibase = models.CharField(max_length=100, unique=True)  # z6Mk…
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)  # replaced by a rotation

    class Meta:
        ordering: ClassVar = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Signing key {self.public_multibase[:16]}…"
