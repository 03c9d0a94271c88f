"""LTI 1.3: the learning platforms an institution registered, the tool's own key,
the courses (LTI contexts) that added Stint, and the grades sent back to them."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

URL_MAX = 500


class Platform(models.Model):
    """A learning platform (Canvas, Moodle, …) registered by an institution's staff.
    The issuer and client id come from the platform's own registration screen."""

    institution = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="lti_platforms"
    )
    name = models.CharField(max_length=120)
    issuer = models.URLField(max_length=URL_MAX)
    client_id = models.CharField(max_length=255)
    # Deployment ids the platform may launch with; a launch naming another is refused.
    deployment_ids = models.JSONField(default=list)
    auth_login_url = models.URLField(max_length=URL_MAX)
    auth_token_url = models.URLField(max_length=URL_MAX)
    key_set_url = models.URLField(max_length=URL_MAX)
    # Some platforms (Moodle, Brightspace) want a different `aud` for the token request.
    auth_audience = models.CharField(max_length=URL_MAX, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["name", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["issuer", "client_id"], name="lti_platform_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.issuer})"


class ToolKey(models.Model):
    """The tool's RSA key pair. The private half is encrypted with a key derived
    from SECRET_KEY; the public half is served at /lti/jwks.json."""

    kid = models.CharField(max_length=64, unique=True)
    public_pem = models.TextField()
    private_encrypted = models.BinaryField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="lti_one_active_key"
            ),
        ]

    def __str__(self) -> str:
        return self.kid


class LaunchValue(models.Model):
    """OIDC state and nonce between login initiation and launch. Kept in the
    database, not the session: the launch is a cross-site POST from the platform,
    which carries no SameSite=Lax session cookie. A nonce row is deleted when a
    launch uses it, so a replayed id_token finds nothing."""

    key = models.CharField(max_length=255, unique=True)
    value = models.JSONField(null=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.key


class LtiAccount(models.Model):
    """Who a platform's user (its `sub`) is in Stint. Matched on (platform, sub)
    only, so one LMS user never signs in as someone else."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="accounts")
    sub = models.CharField(max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_accounts"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_launch_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["platform", "sub"], name="lti_account_once"),
        ]

    def __str__(self) -> str:
        return f"{self.sub} on {self.platform_id}"


class GradeMode(models.TextChoices):
    COMPLETION = "completion", "Completion (full marks when the work is paid)"
    RATING = "rating", "The employer's rating, scaled to the grade"


class Course(models.Model):
    """A course (LTI context) that added Stint; staff attach a program or projects."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="courses")
    context_id = models.CharField(max_length=255)
    title = models.CharField(max_length=255, blank=True)
    deployment_id = models.CharField(max_length=255)
    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lti_courses",
    )
    opportunities = models.ManyToManyField(
        "opportunities.Opportunity", blank=True, related_name="lti_courses"
    )
    grade_mode = models.CharField(
        max_length=10, choices=GradeMode.choices, default=GradeMode.COMPLETION
    )
    # Service endpoints from the latest launch (NRPS and AGS claims).
    memberships_url = models.URLField(max_length=URL_MAX, blank=True)
    lineitems_url = models.URLField(max_length=URL_MAX, blank=True)
    ags_scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    roster_synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["title", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["platform", "context_id"], name="lti_course_once"),
        ]

    def __str__(self) -> str:
        return self.title or self.context_id


class CourseRole(models.TextChoices):
    LEARNER = "learner", "Student"
    INSTRUCTOR = "instructor", "Teacher"


class CourseMember(models.Model):
    """Someone who launched Stint from the course (or came in through its roster)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_courses"
    )
    role = models.CharField(max_length=10, choices=CourseRole.choices)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["course", "user"], name="lti_course_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.course_id}"


class ResourceLink(models.Model):
    """A placement of Stint in the course (a module item, an assignment)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="resource_links")
    resource_link_id = models.CharField(max_length=255)
    title = models.CharField(max_length=255, blank=True)
    # The line item the platform tied to this link (AGS `lineitem` claim), if any.
    lineitem_url = models.URLField(max_length=URL_MAX, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["course", "resource_link_id"], name="lti_resource_link_once"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.resource_link_id


class LineItem(models.Model):
    """The gradebook column Stint writes to in a course (one per course)."""

    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="line_item")
    url = models.URLField(max_length=URL_MAX)
    label = models.CharField(max_length=255)
    score_maximum = models.PositiveSmallIntegerField(default=100)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.label


class GradeSent(models.Model):
    """The last score sent for one engagement to a course's line item; the sweep
    sends again only when the score it would send differs (a re-review)."""

    line_item = models.ForeignKey(LineItem, on_delete=models.CASCADE, related_name="grades")
    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="lti_grades"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_grades"
    )
    score_given = models.DecimalField(max_digits=6, decimal_places=2)
    score_maximum = models.PositiveSmallIntegerField()
    comment = models.CharField(max_length=255, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)
    times_sent = models.PositiveIntegerField(default=1)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["line_item", "engagement"], name="lti_grade_once"),
        ]

    def __str__(self) -> str:
        return f"{self.score_given}/{self.score_maximum} for {self.engagement_id}"


class DeepLinkRequest(models.Model):
    """A teacher's deep-linking launch waiting for their choice: where to send
    the signed answer, and the platform's opaque `data` to echo back."""

    token = models.CharField(max_length=64, unique=True)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="deep_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    return_url = models.URLField(max_length=URL_MAX)
    data = models.JSONField(null=True, blank=True)
    accept_multiple = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"deep link for {self.course_id}"
