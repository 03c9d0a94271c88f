"""Assignment and Grade Services: a paid engagement's score to the course's
gradebook, resent after a re-review; what the sweep must send. HTTP calls happen
outside transactions."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem as PlatformLineItem

from stint.accounts.models import User
from stint.core.tasks import enqueue_on_commit
from stint.lti import rules, tool
from stint.lti.models import Course, GradeSent, LineItem, LtiAccount
from stint.lti.selectors import access_course, employer_rating, graded_engagements


def _line_item(course: Course) -> LineItem:
    """The course's Stint column: ours if known, else found by tag or created."""
    existing = LineItem.objects.filter(course=course).first()
    if existing is not None:
        return existing
    ags = tool.grades_service(
        course.platform, lineitems_url=course.lineitems_url, scopes=course.ags_scopes
    )
    label = f"Stint: {course.program.name if course.program else course.title or 'projects'}"
    found = ags.find_or_create_lineitem(
        PlatformLineItem()
        .set_label(label[:255])
        .set_score_maximum(100)
        .set_tag(rules.LINE_ITEM_TAG),
        find_by="tag",
    )
    try:
        with transaction.atomic():
            return LineItem.objects.create(
                course=course,
                url=found.get_id(),
                label=(found.get_label() or label)[:255],
                score_maximum=int(found.get_score_maximum() or 100),
            )
    except IntegrityError:
        return LineItem.objects.get(course=course)


def grade_send(*, course_id: int, engagement_id: int) -> GradeSent | None:
    """Send (or resend, after a re-review) one paid engagement's score to the
    course's gradebook. Idempotent: nothing is sent when the score is unchanged."""
    course = Course.objects.select_related("platform", "program").filter(pk=course_id).first()
    if course is None or not course.lineitems_url:
        return None
    engagement = graded_engagements(course).filter(pk=engagement_id).first()
    if engagement is None:
        return None
    account = LtiAccount.objects.filter(
        platform=course.platform, user_id=engagement.candidate_id
    ).first()
    if account is None:
        return None
    line_item = _line_item(course)
    score = rules.score_for(
        mode=course.grade_mode,
        employer_rating=employer_rating(engagement),
        maximum=line_item.score_maximum,
    )
    sent = GradeSent.objects.filter(line_item=line_item, engagement=engagement).first()
    if sent is not None and sent.score_given == score.given and sent.comment == score.comment:
        return sent
    grade = (
        Grade()
        .set_score_given(float(score.given))
        .set_score_maximum(score.maximum)
        .set_timestamp(timezone.now().isoformat())
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_user_id(account.sub)
        .set_comment(score.comment)
    )
    ags = tool.grades_service(
        course.platform, lineitems_url=course.lineitems_url, scopes=course.ags_scopes
    )
    ags.put_grade(grade, PlatformLineItem().set_id(line_item.url))
    with transaction.atomic():
        row, created = GradeSent.objects.select_for_update().get_or_create(
            line_item=line_item,
            engagement=engagement,
            defaults={
                "student_id": engagement.candidate_id,
                "score_given": score.given,
                "score_maximum": score.maximum,
                "comment": score.comment[:255],
            },
        )
        if not created:
            row.score_given = Decimal(score.given)
            row.score_maximum = score.maximum
            row.comment = score.comment[:255]
            row.sent_at = timezone.now()
            row.times_sent += 1
            row.save()
    return row


def grades_due(
    course_id: int | None = None, engagement_id: int | None = None
) -> list[tuple[int, int]]:
    """(course id, engagement id) pairs whose score must be sent or sent again
    (of one engagement only when `engagement_id` is given)."""
    due: list[tuple[int, int]] = []
    courses = Course.objects.exclude(lineitems_url="").select_related("platform", "line_item")
    if course_id is not None:
        courses = courses.filter(pk=course_id)
    for course in courses:
        line_item = getattr(course, "line_item", None)
        sent_rows = GradeSent.objects.filter(line_item=line_item)
        if engagement_id is not None:
            sent_rows = sent_rows.filter(engagement_id=engagement_id)
        sent = {g.engagement_id: g for g in sent_rows} if line_item else {}
        maximum = line_item.score_maximum if line_item else 100
        linked = set(
            LtiAccount.objects.filter(platform=course.platform).values_list("user_id", flat=True)
        )
        engagements = graded_engagements(course).filter(candidate_id__in=linked)
        if engagement_id is not None:
            engagements = engagements.filter(pk=engagement_id)
        for engagement in engagements:
            score = rules.score_for(
                mode=course.grade_mode,
                employer_rating=employer_rating(engagement),
                maximum=maximum,
            )
            previous = sent.get(engagement.pk)
            if (
                previous is None
                or previous.score_given != score.given
                or previous.comment != score.comment
            ):
                due.append((course.pk, engagement.pk))
    return due


def grades_queue(*, actor: User, course_id: int) -> int:
    """Staff: queue now what the sweep would send for this course; how many."""
    from stint.lti.tasks import grade_send as task

    course = access_course(actor=actor, course_id=course_id)
    due = grades_due(course.pk)
    for course_pk, engagement_pk in due:
        enqueue_on_commit(task, course_pk, engagement_pk)
    return len(due)
