"""Cohort programs: an institution's opportunities with openings, a cohort of its
students, rankings from both sides, stable allocation runs and academic credit."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    RANKING = "ranking", "Ranking"
    ALLOCATED = "allocated", "Allocated (not published)"
    PUBLISHED = "published", "Published"
    CLOSED = "closed", "Closed"


class PriorityMode(models.TextChoices):
    NONE = "none", "Not used"
    TIE_BREAK = "tie_break", "Breaks ties in the employer's order"
    OVERRIDE = "override", "Comes before the employer's order"


class Program(models.Model):
    institution = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="programs"
    )
    name = models.CharField(max_length=140)
    description = models.TextField(max_length=5000, blank=True)
    credit_bearing = models.BooleanField(default=False)
    credits = models.PositiveSmallIntegerField(default=0)
    ranking_opens = models.DateTimeField(null=True, blank=True)
    ranking_closes = models.DateTimeField(null=True, blank=True)
    priority_mode = models.CharField(
        max_length=10, choices=PriorityMode.choices, default=PriorityMode.NONE
    )
    status = models.CharField(
        max_length=10, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(ranking_opens__isnull=True)
                | Q(ranking_closes__isnull=True)
                | Q(ranking_closes__gt=F("ranking_opens")),
                name="program_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(credit_bearing=False) | Q(credits__gt=0),
                name="program_credits_when_bearing",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", "Waiting for the other side"
    ACCEPTED = "accepted", "Agreed"
    DECLINED = "declined", "Declined"


class Side(models.TextChoices):
    INSTITUTION = "institution", "Institution"
    EMPLOYER = "employer", "Employer"


class ProgramOpportunity(models.Model):
    """An employer's opportunity offered to a program's cohort, with openings for it.
    One side proposes (staff or the employer), the other side agrees."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="entries")
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", on_delete=models.PROTECT, related_name="program_entries"
    )
    openings = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    proposed_by_side = models.CharField(max_length=12, choices=Side.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "program opportunities"
        ordering: ClassVar = ["pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["program", "opportunity"], name="program_opportunity_once"
            ),
            models.CheckConstraint(condition=Q(openings__gte=1), name="program_openings_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.opportunity_id} in {self.program_id}"


class CohortMember(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cohort")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="program_memberships"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["program", "student"], name="cohort_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} in {self.program_id}"


class StudentRanking(models.Model):
    """A student's choice, best first (rank 1). `fit_score` is the engine's view
    when the student ranked it: the employer's default order of applicants."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="student_rankings")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    entry = models.ForeignKey(
        ProgramOpportunity, on_delete=models.CASCADE, related_name="student_rankings"
    )
    rank = models.PositiveSmallIntegerField()
    fit_score = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["student_id", "rank"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["program", "student", "rank"], name="student_ranking_rank_once"
            ),
            models.UniqueConstraint(
                fields=["program", "student", "entry"], name="student_ranking_entry_once"
            ),
            models.CheckConstraint(condition=Q(rank__gte=1), name="student_ranking_rank_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.student_id}: {self.rank}. {self.entry_id}"


class EmployerRanking(models.Model):
    """An employer's rank (1 = best) or score (higher = better) of an applicant.
    Students the employer did not rank follow, in the engine's fit order."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="employer_rankings")
    entry = models.ForeignKey(
        ProgramOpportunity, on_delete=models.CASCADE, related_name="employer_rankings"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["entry", "student"], name="employer_ranking_once"),
            models.CheckConstraint(
                condition=Q(rank__isnull=False) | Q(score__isnull=False),
                name="employer_ranking_rank_or_score",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.student_id} ({self.rank or self.score})"


class InstitutionPriority(models.Model):
    """The institution's own order of its students (1 = first)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="priorities")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    priority = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "institution priorities"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["program", "student"], name="priority_once"),
        ]

    def __str__(self) -> str:
        return f"{self.student_id}: {self.priority}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Optimal(models.TextChoices):
    STUDENT = "student", "Student-optimal"
    PROJECT = "project", "Employer-optimal"


class AllocationRun(models.Model):
    """One solve of a program. Rows are kept; the published one made the offers."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="runs")
    optimal = models.CharField(max_length=8, choices=Optimal.choices, default=Optimal.STUDENT)
    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    engine_version = models.CharField(max_length=20, blank=True)
    inputs = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    stats = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["program"], condition=Q(published=True), name="allocation_one_published"
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="allocation_progress_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"Run {self.pk} of {self.program_id} ({self.status})"


class Placement(models.Model):
    """A published allocation of one student: the application and offer made for it."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="placements")
    run = models.ForeignKey(AllocationRun, on_delete=models.PROTECT, related_name="placements")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    entry = models.ForeignKey(
        ProgramOpportunity, on_delete=models.PROTECT, related_name="placements"
    )
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["program", "student"], name="placement_once"),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} → {self.entry_id}"


class CreditStatus(models.TextChoices):
    COMPLETED = "completed", "Completed"


class CreditRecord(models.Model):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="credit_records")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credit_records"
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", on_delete=models.PROTECT, related_name="+"
    )
    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.PROTECT, null=True, related_name="+"
    )
    credits = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=10, choices=CreditStatus.choices, default=CreditStatus.COMPLETED
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["created_at", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["program", "student"], name="credit_record_once"),
        ]

    def __str__(self) -> str:
        return f"{self.credits} credits: {self.student_id} in {self.program_id}"
