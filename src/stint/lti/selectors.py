"""Reads for LTI: access checks, a course's students and engagements, and the
course outcomes staff see (through the institution's consent rules)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from stint.accounts.models import User
from stint.applications.models import Application
from stint.core.errors import NotFound
from stint.engagements.models import Engagement, EngagementStatus
from stint.institutions import rules as institution_rules
from stint.institutions.selectors import access_staff, consenting_ids, staff_institutions
from stint.lti.models import Course, CourseMember, CourseRole, DeepLinkRequest, GradeSent, Platform
from stint.opportunities.models import Opportunity, OpportunityStatus
from stint.opportunities.selectors import visible_to_institution_q
from stint.orgs.models import Organisation
from stint.programs.models import CohortMember, Program, ProgramOpportunity, ProposalStatus
from stint.programs.selectors import access_program
from stint.reviews.models import FollowUpOffer, Review, ReviewSide, VerifiedSkill

DEEP_LINK_LIFETIME = timedelta(hours=1)


def absolute(path: str) -> str:
    return str(settings.SITE_URL).rstrip("/") + path


def tool_urls() -> dict[str, str]:
    """What a university IT team types into the platform's registration."""
    return {
        "login": absolute(reverse("lti_login")),
        "launch": absolute(reverse("lti_launch")),
        "deep_link": absolute(reverse("lti_launch")),
        "jwks": absolute(reverse("lti_jwks")),
    }


# --- Access ------------------------------------------------------------------------------


def access_platforms(*, actor: User, institution_id: int, manage: bool = False) -> Organisation:
    """The institution whose LTI set-up the actor (its staff) may see or, with
    `manage`, change (owners and admins)."""
    return access_staff(actor=actor, institution_id=institution_id, manage=manage)


def access_platform(*, actor: User, platform_id: int, manage: bool = False) -> Platform:
    """A platform registered by an institution the actor is staff of."""
    platform = Platform.objects.select_related("institution").filter(pk=platform_id).first()
    if platform is None or not actor.is_authenticated:
        raise NotFound("No such platform.")
    access_staff(actor=actor, institution_id=platform.institution_id, manage=manage)
    return platform


def platforms_of(institution: Organisation) -> QuerySet[Platform]:
    return Platform.objects.filter(institution=institution)


def access_course(*, actor: User, course_id: int, for_update: bool = False) -> Course:
    """A course of a platform registered by an institution the actor is staff of.
    Teachers set a course up through their institution's staff membership: being an
    Instructor in the LMS alone does not make someone staff of the institution."""
    if not actor.is_authenticated:
        raise NotFound("No such course.")
    qs = Course.objects.select_related("platform__institution", "program")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    course = qs.filter(pk=course_id).first()
    if course is None:
        raise NotFound("No such course.")
    access_staff(actor=actor, institution_id=course.platform.institution_id)
    return course


def access_course_as_member(*, actor: User, course_id: int) -> Course:
    """A course the actor launched from (any role)."""
    if not actor.is_authenticated:
        raise NotFound("No such course.")
    course = (
        Course.objects.select_related("platform__institution", "program")
        .filter(pk=course_id, members__user=actor)
        .first()
    )
    if course is None:
        raise NotFound("No such course.")
    return course


def access_deep_link(*, actor: User, token: str, for_update: bool = False) -> DeepLinkRequest:
    """The actor's own, unused, fresh deep-linking request."""
    if not actor.is_authenticated:
        raise NotFound("No such request.")
    qs = DeepLinkRequest.objects.select_related("course__platform__institution")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    request = qs.filter(
        token=token,
        user=actor,
        used_at__isnull=True,
        created_at__gt=timezone.now() - DEEP_LINK_LIFETIME,
    ).first()
    if request is None:
        raise NotFound("This choice has expired: open the picker from the course again.")
    return request


def is_course_staff(actor: User, course: Course) -> bool:
    try:
        access_staff(actor=actor, institution_id=course.platform.institution_id)
    except NotFound:
        return False
    return True


# --- A course's people and work ---------------------------------------------------------


def course_student_ids(course: Course) -> set[int]:
    """Students of the course: those who launched as learners, and the program's cohort."""
    ids = set(
        CourseMember.objects.filter(course=course, role=CourseRole.LEARNER).values_list(
            "user_id", flat=True
        )
    )
    if course.program_id:
        ids |= set(
            CohortMember.objects.filter(program_id=course.program_id).values_list(
                "student_id", flat=True
            )
        )
    return ids


def in_cohort(course: Course, user: User) -> bool:
    """Whether the user is in the cohort of the program attached to the course."""
    return bool(
        course.program_id
        and CohortMember.objects.filter(program_id=course.program_id, student=user).exists()
    )


def course_opportunity_q(course: Course, prefix: str = "") -> Q:
    """The course's projects: attached directly or through its program's agreed entries."""
    q = Q(**{f"{prefix}opportunity__lti_courses": course})
    if course.program_id:
        q |= Q(
            **{
                f"{prefix}opportunity__program_entries__program_id": course.program_id,
                f"{prefix}opportunity__program_entries__status": ProposalStatus.ACCEPTED,
            }
        )
    return q


def course_engagements(course: Course) -> QuerySet[Engagement]:
    """Paid engagements of the course's students on the course's projects."""
    return (
        Engagement.objects.filter(
            course_opportunity_q(course),
            status=EngagementStatus.PAID,
            candidate_id__in=course_student_ids(course),
        )
        .distinct()
        .order_by("pk")
    )


def graded_engagements(course: Course) -> QuerySet[Engagement]:
    """The paid engagements whose grade goes to this course: only of people the
    platform itself lists in the course (they launched from it or came in through
    its roster), never of cohort members who belong to another course."""
    learners = CourseMember.objects.filter(course=course, role=CourseRole.LEARNER).values("user_id")
    return course_engagements(course).filter(candidate_id__in=learners)


def employer_rating(engagement: Engagement) -> float | None:
    """The employer's visible review score (1-5), once the double-blind reveal has passed."""
    review = Review.objects.filter(
        engagement=engagement,
        side=ReviewSide.EMPLOYER,
        visible_at__isnull=False,
        visible_at__lte=timezone.now(),
    ).first()
    return review.score if review else None


def courses_of(institution: Organisation) -> QuerySet[Course]:
    return (
        Course.objects.filter(platform__institution=institution)
        .select_related("platform", "program")
        .order_by("platform__name", "title", "pk")
    )


def staff_courses(user: User) -> list[Course]:
    return [c for inst in staff_institutions(user) for c in courses_of(inst)]


def programs_of(institution: Organisation) -> QuerySet[Program]:
    return Program.objects.filter(institution=institution).order_by("name")


def attachable_programs(course: Course) -> QuerySet[Program]:
    return Program.objects.filter(institution_id=course.platform.institution_id).order_by("name")


PICKER_LIMIT = 200


def attachable_opportunities(course: Course) -> QuerySet[Opportunity]:
    """Open projects the course's students may see, newest first."""
    return Opportunity.objects.filter(
        visible_to_institution_q(course.platform.institution_id),
        status=OpportunityStatus.PUBLISHED,
    ).order_by("-pk")[:PICKER_LIMIT]


# --- Course outcomes (issue 19, item 5) -------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    name: str  # the API key
    label: str
    value: int
    sharing: int | None  # students sharing the scope it needs; None if no consent needed
    note: str = ""


@dataclass(frozen=True)
class Outcomes:
    title: str
    students: int
    rows: list[Outcome]

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "students": self.students,
            "outcomes": [
                {
                    "name": r.name,
                    "label": r.label,
                    "value": r.value,
                    "sharing": r.sharing,
                    "note": r.note,
                }
                for r in self.rows
            ],
        }


def _outcomes(
    institution: Organisation,
    title: str,
    student_ids: set[int],
    opportunity_q: Q,
    grades: QuerySet[GradeSent] | None,
) -> Outcomes:
    """Counts over the course's students, each only over those who consent to
    share that scope with the institution (institutions.selectors.consenting_ids)."""

    def sharing(scope: str) -> set[int]:
        return (
            set(consenting_ids(institution, scope).values_list("student_id", flat=True))
            & student_ids
        )

    applied = sharing("applications")
    completed = sharing("completions")
    skills = sharing("skills")
    follow_ups = sharing("follow_ups")
    rows = [
        Outcome(
            "participation",
            "Students who applied to a course project",
            Application.objects.filter(opportunity_q, candidate_id__in=applied)
            .values("candidate_id")
            .distinct()
            .count(),
            len(applied),
        ),
        Outcome(
            "completion",
            "Students who completed a course project",
            Engagement.objects.filter(
                opportunity_q,
                candidate_id__in=completed,
                status__in=institution_rules.COMPLETED_STATUSES,
            )
            .values("candidate_id")
            .distinct()
            .count(),
            len(completed),
        ),
        Outcome(
            "skills_verified",
            "Skills verified by employers",
            VerifiedSkill.objects.filter(
                opportunity_q_for("engagement__", opportunity_q), candidate_id__in=skills
            )
            .values("pk")
            .distinct()
            .count(),
            len(skills),
        ),
        Outcome(
            "follow_up_offers",
            "Follow-up offers from employers",
            FollowUpOffer.objects.filter(
                opportunity_q_for("engagement__", opportunity_q), candidate_id__in=follow_ups
            )
            .values("pk")
            .distinct()
            .count(),
            len(follow_ups),
        ),
    ]
    if grades is not None:
        rows.append(
            Outcome(
                "grades_sent",
                "Grades sent to the course gradebook",
                grades.count(),
                None,
                "The platform's gradebook shows them to the course's teachers already.",
            )
        )
    return Outcomes(title=title, students=len(student_ids), rows=rows)


def opportunity_q_for(prefix: str, q: Q) -> Q:
    """`q` (over `opportunity__…`) re-rooted under `prefix` (e.g. `engagement__`)."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            out.children.append(opportunity_q_for(prefix, child))
        else:
            key, value = child
            out.children.append((prefix + key, value))
    return out


def course_outcomes(*, actor: User, course_id: int) -> Outcomes:
    course = access_course(actor=actor, course_id=course_id)
    return _outcomes(
        course.platform.institution,
        str(course),
        course_student_ids(course),
        course_opportunity_q(course),
        GradeSent.objects.filter(line_item__course=course),
    )


def program_outcomes(*, actor: User, program_id: int) -> Outcomes:
    program = access_program(actor=actor, program_id=program_id, role="staff").program
    students = set(
        CohortMember.objects.filter(program=program).values_list("student_id", flat=True)
    )
    entries = ProgramOpportunity.objects.filter(
        program=program, status=ProposalStatus.ACCEPTED
    ).values("opportunity_id")
    return _outcomes(
        program.institution,
        program.name,
        students,
        Q(opportunity_id__in=entries),
        GradeSent.objects.filter(line_item__course__program=program),
    )
