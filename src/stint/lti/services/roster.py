"""Names and Roles: the course roster from the platform becomes the program's cohort
(through the institutions' roster import). The HTTP call happens outside transactions."""

from __future__ import annotations

import csv
import io

from django.db import transaction
from django.utils import timezone
from pylti1p3.exception import LtiException, LtiServiceException

from stint.accounts.models import User
from stint.core.errors import ConflictError
from stint.core.spreadsheet import csv_row
from stint.institutions.services import RosterImported, roster_import
from stint.lti import rules, tool
from stint.lti.models import Course, CourseMember, CourseRole, LtiAccount
from stint.lti.selectors import access_course


def roster_sync(*, actor: User, course_id: int) -> RosterImported:
    """Fetch the course's students from the platform and import them as the
    program's roster (the roster import's own service: linked students join the cohort)."""
    course = access_course(actor=actor, course_id=course_id)
    if course.program_id is None:
        raise ConflictError("no_program", "Attach a program to the course first.", "program_id")
    if not course.memberships_url:
        raise ConflictError(
            "no_roster_service",
            "The platform has not offered the course roster (Names and Roles) yet: "
            "enable it for Stint, then open Stint from the course once.",
            "course_id",
        )
    try:
        members = tool.names_roles(course.platform, course.memberships_url).get_members()
    except (LtiException, LtiServiceException, OSError) as exc:
        raise ConflictError(
            "platform_unreachable", f"The platform refused the roster request: {exc}", "course_id"
        ) from exc
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_row(["email", "name"]))
    rows = 0
    known = dict(LtiAccount.objects.filter(platform=course.platform).values_list("sub", "user_id"))
    learners: list[int] = []
    for m in members:
        if m.get("status", "Active") != "Active":
            continue
        if rules.course_role(m.get("roles") or []) != CourseRole.LEARNER:
            continue
        if str(m.get("user_id")) in known:
            learners.append(known[str(m.get("user_id"))])
        email = str(m.get("email") or "").strip().lower()
        if not email:
            continue
        name = str(m.get("name") or "").strip() or email.split("@", 1)[0]
        writer.writerow(csv_row([email, name[:150]]))
        rows += 1
    if rows == 0:
        raise ConflictError(
            "roster_empty",
            "The platform listed no students with an email address for this course.",
            "course_id",
        )
    with transaction.atomic():
        result = roster_import(
            actor=actor,
            institution_id=course.platform.institution_id,
            program_id=course.program_id,
            csv_text=out.getvalue(),
        )
        Course.objects.filter(pk=course.pk).update(roster_synced_at=timezone.now())
        existing = set(
            CourseMember.objects.filter(course=course, user_id__in=learners).values_list(
                "user_id", flat=True
            )
        )
        CourseMember.objects.bulk_create(
            [
                CourseMember(course=course, user_id=u, role=CourseRole.LEARNER)
                for u in sorted(set(learners) - existing)
            ]
        )
    return result
