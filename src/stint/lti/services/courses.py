"""What a course offers: attaching a program or projects, by staff or through the
teacher's deep-linking choice signed back to the platform."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem as PlatformLineItem

from stint.accounts.models import User
from stint.core.errors import DomainError
from stint.lti import rules, tool
from stint.lti.models import Course, GradeMode
from stint.lti.selectors import access_course, access_deep_link, is_course_staff
from stint.opportunities.models import Opportunity, OpportunityStatus
from stint.opportunities.selectors import visible_to_institution_q
from stint.programs.models import Program


def _attachable(
    course: Course, program_id: int | None, opportunity_ids: Iterable[int]
) -> tuple[Program | None, list[Opportunity]]:
    program = None
    if program_id is not None:
        program = Program.objects.filter(
            pk=program_id, institution_id=course.platform.institution_id
        ).first()
        if program is None:
            raise DomainError(
                "no_such_program", "Choose one of your institution's programs.", "program_id"
            )
    ids = sorted({int(i) for i in opportunity_ids})
    if len(ids) > rules.MAX_ATTACHED:
        raise DomainError(
            "too_many", f"Choose at most {rules.MAX_ATTACHED} projects.", "opportunity_ids"
        )
    found = list(
        Opportunity.objects.filter(
            visible_to_institution_q(course.platform.institution_id),
            pk__in=ids,
            status=OpportunityStatus.PUBLISHED,
        )
    )
    missing = sorted(set(ids) - {o.pk for o in found})
    if missing:
        raise DomainError(
            "no_such_opportunity",
            f"Project {missing[0]} is not an open opportunity your students can see.",
            "opportunity_ids",
        )
    return program, found


@transaction.atomic
def course_attach(
    *,
    actor: User,
    course_id: int,
    program_id: int | None,
    opportunity_ids: Iterable[int] = (),
    grade_mode: str = "completion",
) -> Course:
    """Set what the course offers (a program, projects, or both) and how it is graded."""
    course = access_course(actor=actor, course_id=course_id, for_update=True)
    if grade_mode not in GradeMode.values:
        raise DomainError("bad_grade_mode", "Choose completion or rating.", "grade_mode")
    program, opportunities = _attachable(course, program_id, opportunity_ids)
    course.program = program
    course.grade_mode = grade_mode
    course.save(update_fields=["program", "grade_mode"])
    course.opportunities.set(opportunities)
    return course


@dataclass(frozen=True)
class DeepLinkAnswer:
    return_url: str
    jwt: str


def deep_link_respond(
    *, actor: User, token: str, program_id: int | None, opportunity_ids: Iterable[int]
) -> DeepLinkAnswer:
    """The teacher's choice, signed as an LtiDeepLinkingResponse for the platform.
    The choice is also attached to the course, so students land on it."""
    with transaction.atomic():
        request = access_deep_link(actor=actor, token=token, for_update=True)
        course = request.course
        ids = list(opportunity_ids)
        if program_id is None and not ids:
            raise DomainError(
                "nothing_chosen", "Choose a program or at least one project.", "program_id"
            )
        if program_id is not None and not is_course_staff(actor, course):
            raise DomainError(
                "staff_only",
                "Only your institution's career-services staff can attach a program; "
                "choose projects instead.",
                "program_id",
            )
        program, opportunities = _attachable(course, program_id, ids)
        if not request.accept_multiple and (len(opportunities) + (1 if program else 0)) > 1:
            raise DomainError(
                "one_only", "This course accepts one item at a time.", "opportunity_ids"
            )
        if program is not None:
            course.program = program
            course.save(update_fields=["program"])
        course.opportunities.add(*opportunities)
        request.used_at = timezone.now()
        request.save(update_fields=["used_at"])
    from django.urls import reverse

    from stint.lti.selectors import absolute

    launch_url = absolute(reverse("lti_launch"))
    items: list[DeepLinkResource] = []
    first = True
    targets: list[tuple[str, str, str]] = []
    if program is not None:
        targets.append(("stint_program", str(program.pk), program.name))
    targets += [("stint_opportunity", str(o.pk), o.title) for o in opportunities]
    for key, value, title in targets:
        item = (
            DeepLinkResource()
            .set_url(launch_url)
            .set_title(title[:255])
            .set_custom_params({key: value})
        )
        if first:
            # One gradebook column for the course's Stint work.
            item.set_lineitem(
                PlatformLineItem()
                .set_label(f"Stint: {title}"[:255])
                .set_score_maximum(100)
                .set_tag(rules.LINE_ITEM_TAG)
            )
            first = False
        items.append(item)
    reg = tool.registration_for(course.platform)
    settings: Any = {"deep_link_return_url": request.return_url, "data": request.data}
    jwt = DeepLink(reg, course.deployment_id, settings).get_response_jwt(items)
    return DeepLinkAnswer(return_url=request.return_url, jwt=jwt)
