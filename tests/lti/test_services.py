"""Names and Roles (the course roster into the program's cohort) and Assignment
and Grade Services (scores to the gradebook), against the simulated LMS."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import DomainError
from stint.institutions.models import RosterEntry
from stint.lti import services, tasks
from stint.lti.models import Course, GradeSent, LineItem, Platform
from stint.opportunities.models import Opportunity
from stint.orgs.models import Organisation
from stint.programs.models import CohortMember, Program
from stint.reviews.models import Review
from tests.applications.conftest import make_opportunity
from tests.institutions.conftest import engage
from tests.lti import platform as sim


@pytest.fixture
def course(lms: sim.SimulatedPlatform, platform: Platform) -> Course:
    """Sam has launched from the course (as sub s-sam); the course is known."""
    assert lms.launch(Client(), sub="s-sam", email="sam@uni.example.edu").status_code == 302
    return Course.objects.get()


@pytest.fixture
def project(acme: Organisation, bob: User) -> Opportunity:
    return make_opportunity(acme, bob, [], title="Data cleanup")


def test_roster_sync_imports_the_course_students_and_adds_linked_ones_to_the_cohort(
    lms: sim.SimulatedPlatform, course: Course, dana: User, uni: Organisation
) -> None:
    program = Program.objects.create(institution=uni, name="Cohort", created_by=dana)
    services.course_attach(actor=dana, course_id=course.pk, program_id=program.pk)
    lms.members = [
        {
            "user_id": "s-sam",
            "roles": [sim.LEARNER],
            "email": "sam@uni.example.edu",
            "name": "Sam",
            "status": "Active",
        },
        {
            "user_id": "s-new",
            "roles": [sim.LEARNER],
            "email": "ny@uni.example.edu",
            "name": "Ny Student",
        },
        {
            "user_id": "s-gone",
            "roles": [sim.LEARNER],
            "email": "gone@uni.example.edu",
            "status": "Inactive",
        },
        {"user_id": "t-1", "roles": [sim.INSTRUCTOR], "email": "prof@uni.example.edu"},
    ]
    result = services.roster_sync(actor=dana, course_id=course.pk)
    assert (result.created, result.cohort_added, result.not_linked) == (2, 1, 1)
    assert set(RosterEntry.objects.filter(program=program).values_list("email", flat=True)) == {
        "sam@uni.example.edu",
        "ny@uni.example.edu",
    }
    assert list(
        CohortMember.objects.filter(program=program).values_list("student__email", flat=True)
    ) == ["sam@uni.example.edu"]
    # The platform saw an authorised NRPS request with the membership media type.
    assert lms.nrps_requests == [
        {"accept": "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"}
    ]
    assert "contextmembership.readonly" in lms.token_requests[0]["scope"]
    course.refresh_from_db()
    assert course.roster_synced_at is not None


def test_roster_sync_needs_a_program_and_staff(
    lms: sim.SimulatedPlatform, course: Course, eve: User, dana: User
) -> None:
    with pytest.raises(DomainError, match="Attach a program"):
        services.roster_sync(actor=dana, course_id=course.pk)
    from stint.core.errors import NotFound

    with pytest.raises(NotFound):
        services.roster_sync(actor=eve, course_id=course.pk)
    assert lms.nrps_requests == []


def sweep(capture: Any) -> int:
    """The scheduled sweep; its per-engagement tasks are enqueued after commit."""
    with capture(execute=True):
        return int(tasks.grades_send_due.call())


def test_a_paid_engagement_sends_completion_once_then_the_rating_after_re_review(
    lms: sim.SimulatedPlatform,
    course: Course,
    dana: User,
    project: Opportunity,
    bob: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    capture = django_capture_on_commit_callbacks
    services.course_attach(
        actor=dana,
        course_id=course.pk,
        program_id=None,
        opportunity_ids=[project.pk],
        grade_mode="rating",
    )
    sam = User.objects.get(email="sam@uni.example.edu")
    engagement = engage(sam, project, status="in_progress")
    assert sweep(capture) == 0  # not paid: nothing to send
    engagement.status, engagement.paid_at = "paid", timezone.now()
    engagement.released_minor = engagement.fee_minor
    engagement.save()

    assert sweep(capture) == 1  # tasks run inline in tests
    assert len(lms.lineitems) == 1 and lms.lineitems[0]["tag"] == "stint"
    assert lms.lineitems[0]["scoreMaximum"] == 100
    [score] = lms.scores
    assert score["userId"] == "s-sam"
    assert score["scoreGiven"] == 100 and score["scoreMaximum"] == 100
    assert score["activityProgress"] == "Completed" and score["gradingProgress"] == "FullyGraded"
    assert score["_url"] == lms.lineitems[0]["id"] + "/scores"
    assert score["_content_type"] == "application/vnd.ims.lis.v1.score+json"
    assert LineItem.objects.get(course=course).url == lms.lineitems[0]["id"]

    assert sweep(capture) == 0  # unchanged: nothing sent again
    assert len(lms.scores) == 1

    review = Review.objects.create(
        engagement=engagement,
        side="employer",
        author=bob,
        ratings={"quality": 5, "communication": 4},
        visible_at=timezone.now() - timedelta(minutes=1),
    )
    assert sweep(capture) == 1
    assert lms.scores[-1]["scoreGiven"] == 90.0
    review.ratings = {"quality": 3, "communication": 3}  # re-review
    review.save()
    sweep(capture)
    assert lms.scores[-1]["scoreGiven"] == 60.0
    sent = GradeSent.objects.get(engagement=engagement)
    assert sent.score_given == Decimal("60.00") and sent.times_sent == 3
    assert len(lms.lineitems) == 1  # the column was found again, not duplicated


def test_no_grade_for_work_outside_the_course(
    lms: sim.SimulatedPlatform,
    course: Course,
    dana: User,
    project: Opportunity,
    acme: Organisation,
    bob: User,
    alice: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    capture = django_capture_on_commit_callbacks
    services.course_attach(
        actor=dana, course_id=course.pk, program_id=None, opportunity_ids=[project.pk]
    )
    sam = User.objects.get(email="sam@uni.example.edu")
    other_project = make_opportunity(acme, bob, [], title="Not in the course")
    engage(sam, other_project)  # paid, but not a course project
    engage(alice, project)  # a course project, but alice never launched from the course
    assert sweep(capture) == 0
    assert lms.scores == []


def test_staff_queue_grades_from_the_page(
    lms: sim.SimulatedPlatform,
    course: Course,
    dana: User,
    project: Opportunity,
    django_capture_on_commit_callbacks: Any,
) -> None:
    services.course_attach(
        actor=dana, course_id=course.pk, program_id=None, opportunity_ids=[project.pk]
    )
    engage(User.objects.get(email="sam@uni.example.edu"), project)
    client = Client()
    client.force_login(dana)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/lti/courses/{course.pk}/manage/", {"action": "grades"}, follow=True
        )
    assert b"1 grade queued" in response.content
    assert len(lms.scores) == 1


def test_the_grade_goes_the_moment_the_engagement_is_paid_without_the_sweep(
    lms: sim.SimulatedPlatform,
    course: Course,
    dana: User,
    project: Opportunity,
    alice: User,
    acme: Organisation,
    bob: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Issue 19: the `engagement.paid` event, once committed, sends the score to
    the course at once; an event about another engagement sends nothing."""
    from stint.events import services as events

    services.course_attach(
        actor=dana, course_id=course.pk, program_id=None, opportunity_ids=[project.pk]
    )
    sam = User.objects.get(email="sam@uni.example.edu")
    engagement = engage(sam, project)  # paid
    other = engage(alice, make_opportunity(acme, bob, [], title="Elsewhere"))
    with django_capture_on_commit_callbacks(execute=True):
        events.record(
            "engagement.paid",
            resource=other,
            organisation=other.employer_id,
            data={"engagement_id": other.pk, "offer_id": other.offer_id},
        )
    assert lms.scores == []
    with django_capture_on_commit_callbacks(execute=True):
        events.record(
            "engagement.paid",
            resource=engagement,
            organisation=engagement.employer_id,
            data={"engagement_id": engagement.pk, "offer_id": engagement.offer_id},
        )
    [score] = lms.scores
    assert score["userId"] == "s-sam" and score["scoreGiven"] == 100
    assert GradeSent.objects.get(engagement=engagement).times_sent == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert int(tasks.grades_send_due.call()) == 0  # the sweep finds nothing left
