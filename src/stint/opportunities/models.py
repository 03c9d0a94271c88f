from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from stint.core.money import CURRENCY_CHOICES, MAX_AMOUNT_MINOR


class OpportunityStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    # Publishing was held by posting screening (stint.opportunities.screening) or
    # moderation: a platform admin releases or refuses it. Browse shows only "published".
    IN_REVIEW = "in_review", "In review"
    CLOSED = "closed", "Closed"
    FILLED = "filled", "Filled"
    ARCHIVED = "archived", "Archived"


class WorkMode(models.TextChoices):
    REMOTE = "remote", "Remote"
    HYBRID = "hybrid", "Hybrid"
    ONSITE = "onsite", "On-site"


class Visibility(models.TextChoices):
    PUBLIC = "public", "Everyone"
    INSTITUTIONS = "institutions", "Students of chosen institutions"
    INVITE_ONLY = "invite_only", "Only people we invite"


class Need(models.TextChoices):
    ESSENTIAL = "essential", "Essential"
    NICE = "nice", "Nice to have"


class Opportunity(models.Model):
    """An employer's paid micro-internship."""

    employer = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="opportunities"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    title = models.CharField(max_length=140)
    summary = models.TextField(max_length=5000)
    deliverables = models.TextField(max_length=5000, blank=True)
    industry = models.CharField(max_length=80, blank=True)
    estimated_hours = models.PositiveSmallIntegerField()
    fee_minor = models.PositiveIntegerField(help_text="Fixed fee in minor units (cents)")
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, default="USD")
    apply_by = models.DateField(null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    work_mode = models.CharField(max_length=8, choices=WorkMode.choices, default=WorkMode.REMOTE)
    location_country = models.CharField(max_length=2, blank=True)
    location_city = models.CharField(max_length=100, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    max_tz_difference_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    openings = models.PositiveSmallIntegerField(default=1)
    filled_count = models.PositiveSmallIntegerField(default=0)
    visibility = models.CharField(
        max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    allowed_institutions = models.ManyToManyField(
        "orgs.Organisation", blank=True, related_name="exclusive_opportunities"
    )
    status = models.CharField(
        max_length=10, choices=OpportunityStatus.choices, default=OpportunityStatus.DRAFT
    )
    clarity_score = models.FloatField(null=True, blank=True)
    # Why publishing is held for review: [{"code", "field", "message"}] from the screens.
    review_flags = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # What browse's `?q=` searches: title, summary, deliverables and the required
    # skills' labels, lower-cased (`search_text_of`). Written by the opportunities
    # service; on PostgreSQL a pg_trgm GIN index serves `LIKE '%word%'` (migration 0004).
    search_text = models.TextField(blank=True, default="", editable=False)

    class Meta:
        verbose_name_plural = "opportunities"
        ordering: ClassVar = ["-published_at", "-created_at"]
        indexes: ClassVar = [
            # Browse, newest first: the page is read in index order (LIMIT 20, no sort),
            # the id breaks ties as the ORDER BY does (docs/bench/load.md).
            models.Index(fields=["status", "-published_at", "-id"], name="opp_browse_newest_idx"),
            # Browse's count: who may see what is decided from this index alone,
            # without reading the wide rows (docs/bench/load.md).
            models.Index(
                fields=["status", "visibility", "employer"], name="opp_browse_visible_idx"
            ),
            models.Index(fields=["employer", "status"]),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(estimated_hours__gte=5, estimated_hours__lte=40),
                name="opportunity_hours_5_to_40",
            ),
            models.CheckConstraint(condition=Q(fee_minor__gt=0), name="opportunity_paid"),
            models.CheckConstraint(
                condition=Q(fee_minor__lte=MAX_AMOUNT_MINOR), name="opportunity_fee_bounded"
            ),
            models.CheckConstraint(
                condition=Q(openings__gte=1), name="opportunity_openings_positive"
            ),
            # The last opening can never be taken twice: the database refuses overfilling.
            models.CheckConstraint(
                condition=Q(filled_count__lte=F("openings")), name="opportunity_not_overfilled"
            ),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(due_date__gte=F("start_date")),
                name="opportunity_due_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def openings_left(self) -> int:
        return max(self.openings - self.filled_count, 0)


def search_text_of(title: str, summary: str, deliverables: str, labels: Iterable[str]) -> str:
    """The lower-cased text browse searches; one line per part, so that a word
    never matches across two parts."""
    return "\n".join([title, summary, deliverables, *labels]).lower()


class RequiredSkill(models.Model):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="skills")
    skill_id = models.CharField(max_length=64)
    label = models.CharField(max_length=200)
    need = models.CharField(max_length=9, choices=Need.choices, default=Need.ESSENTIAL)
    level = models.PositiveSmallIntegerField(default=2)

    class Meta:
        ordering: ClassVar = ["need", "label"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["opportunity", "skill_id"], name="requiredskill_unique"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=4), name="requiredskill_level_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.need})"


class ScreeningQuestion(models.Model):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)
    required = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class SavedSearch(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=80)
    query = models.JSONField(default=dict)  # the browse filters
    notify = models.BooleanField(default=True)
    last_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "saved searches"

    def __str__(self) -> str:
        return self.name


class SavedOpportunity(models.Model):
    """A candidate kept a posting to come back to later (issue 14 item 10)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_opportunities"
    )
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "saved opportunities"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["user", "opportunity"], name="saved_opportunity_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} saved {self.opportunity_id}"


class HiddenOpportunity(models.Model):
    """A candidate hid a recommendation, and said why (feeds the engine)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hidden_opportunities"
    )
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "hidden opportunities"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["user", "opportunity"], name="hidden_opportunity_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} hid {self.opportunity_id}"
