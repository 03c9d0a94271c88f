from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class RemotePreference(models.TextChoices):
    ANY = "any", "Remote or on-site"
    REMOTE = "remote", "Remote only"
    HYBRID = "hybrid", "Hybrid"
    ONSITE = "onsite", "On-site"


class SkillSource(models.TextChoices):
    SELF = "self", "Self-declared"
    RESUME = "resume", "From resume (confirmed)"
    VERIFIED = "verified", "Verified by an employer"


class CandidateProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    headline = models.CharField(max_length=140, blank=True)
    bio = models.TextField(blank=True, max_length=4000)
    location_country = models.CharField(
        max_length=2, blank=True, help_text="ISO 3166 code, e.g. GB"
    )
    location_city = models.CharField(max_length=100, blank=True)
    time_zone = models.CharField(
        max_length=64, default="UTC", help_text="IANA name, e.g. Europe/London"
    )
    remote_preference = models.CharField(
        max_length=8, choices=RemotePreference.choices, default=RemotePreference.ANY
    )
    hours_per_week = models.PositiveSmallIntegerField(default=10)
    interests = models.JSONField(default=list, blank=True)  # free words: ["climate", "health"]
    industries = models.JSONField(default=list, blank=True)
    links = models.JSONField(default=list, blank=True)  # URLs
    resume = models.FileField(upload_to="resumes/%Y/%m/", blank=True)
    resume_filename = models.CharField(max_length=200, blank=True)  # as the candidate named it
    resume_text = models.TextField(blank=True)
    # Skills the engine found in the resume, waiting for the candidate to confirm:
    # [{"id", "label", "name", "confidence", "evidence"}]. Nothing becomes a SkillClaim
    # without that.
    resume_suggestions = models.JSONField(default=list, blank=True)
    # Skills the resume names that were already on the profile at upload (same shape), so
    # the page can say "already on your profile" instead of "no new skills".
    resume_on_profile = models.JSONField(default=list, blank=True)
    resume_uploaded_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(hours_per_week__gte=1, hours_per_week__lte=60),
                name="profile_hours_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Profile of {self.user}"


class Education(models.Model):
    profile = models.ForeignKey(
        CandidateProfile, on_delete=models.CASCADE, related_name="education"
    )
    institution_name = models.CharField(max_length=160)
    institution = models.ForeignKey(
        "orgs.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    degree = models.CharField(max_length=120, blank=True)
    major = models.CharField(max_length=120, blank=True)
    graduation_year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-graduation_year", "pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(graduation_year__isnull=True)
                | Q(graduation_year__gte=1950, graduation_year__lte=2100),
                name="education_year_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.degree} {self.major} @ {self.institution_name}"


class SkillClaim(models.Model):
    """A skill on a profile: an ESCO skill id with the label at the time, a level, a source."""

    profile = models.ForeignKey(CandidateProfile, on_delete=models.CASCADE, related_name="skills")
    skill_id = models.CharField(max_length=64)
    label = models.CharField(max_length=200)
    level = models.PositiveSmallIntegerField(default=2)  # 1 basic .. 4 expert
    source = models.CharField(max_length=8, choices=SkillSource.choices, default=SkillSource.SELF)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-level", "label"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["profile", "skill_id"], name="skillclaim_unique"),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=4), name="skillclaim_level_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.level})"


class CareerGoal(models.Model):
    """A target occupation (ESCO), found by title normalisation."""

    profile = models.ForeignKey(CandidateProfile, on_delete=models.CASCADE, related_name="goals")
    occupation_id = models.CharField(max_length=64)
    label = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["profile", "occupation_id"], name="careergoal_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class AvailabilityWindow(models.Model):
    profile = models.ForeignKey(CandidateProfile, on_delete=models.CASCADE, related_name="windows")
    start = models.DateField()
    end = models.DateField()

    class Meta:
        ordering: ClassVar = ["start"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="window_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.start}–{self.end}"
