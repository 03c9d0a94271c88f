from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
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


# --- Written by the review step: verified skills and follow-up offers --------------------


class VerifiedSkill(models.Model):
    """A skill the employer confirmed the candidate demonstrated in an engagement."""

    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="verified_skills"
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
        db_table = "engagements_verifiedskill"  # kept from before the move (ADR 0018)
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

    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="follow_ups"
    )
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
        db_table = "engagements_followupoffer"  # kept from before the move (ADR 0018)
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["engagement"], condition=Q(status="offered"), name="follow_up_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role_title} for {self.candidate}"


# --- References (with expiring share links) -------------------------------------------------------------------------------


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
        db_table = "growth_reference"  # kept from before the move (ADR 0018)
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
        db_table = "growth_referenceshare"  # kept from before the move (ADR 0018)
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"Share of reference {self.reference_id}"
