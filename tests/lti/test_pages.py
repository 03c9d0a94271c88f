"""Pages and API twins: platform registration, course set-up, course and program
outcomes (through the consent rules), reached by clicking from the dashboard,
and who may see what."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from stint.accounts.models import User
from stint.lti import services
from stint.lti.models import Course, Platform
from stint.orgs.models import Membership, Organisation
from stint.programs.models import CohortMember, Program, ProgramOpportunity
from tests.applications.conftest import make_opportunity
from tests.institutions.conftest import consent, engage
from tests.lti import platform as sim

PLATFORM = {
    "name": "Moodle",
    "issuer": "https://moodle.uni.example.edu",
    "client_id": "abc123",
    "deployment_ids": ["1"],
    "auth_login_url": "https://moodle.uni.example.edu/mod/lti/auth.php",
    "auth_token_url": "https://moodle.uni.example.edu/mod/lti/token.php",
    "key_set_url": "https://moodle.uni.example.edu/mod/lti/certs.php",
}


def test_staff_reach_lti_from_the_dashboard_and_register_a_platform(
    uni: Organisation, dana: User
) -> None:
    client = Client()
    client.force_login(dana)
    dashboard = client.get("/dashboard/").content.decode()
    assert f'href="/lti/institutions/{uni.pk}/"' in dashboard
    page = client.get(f"/lti/institutions/{uni.pk}/")
    assert page.status_code == 200
    assert b"http://testserver/lti/jwks.json" in page.content
    assert b"http://testserver/lti/login/" in page.content
    form = {**PLATFORM, "deployment_ids": "1\n2"}
    response = client.post(f"/lti/institutions/{uni.pk}/", form)
    assert response.status_code == 302
    assert Platform.objects.get().deployment_ids == ["1", "2"]
    again = client.post(f"/lti/institutions/{uni.pk}/", form)
    assert again.status_code == 422 and b"already registered" in again.content
    assert Platform.objects.count() == 1


def test_register_platform_api_names_the_bad_field(
    uni: Organisation, dana: User, api_for: Callable[[User | None], Client]
) -> None:
    api = api_for(dana)
    url = f"/api/v1/institutions/{uni.pk}/lti/platforms"
    bad = api.post(url, {**PLATFORM, "key_set_url": "not a url"}, content_type="application/json")
    assert bad.status_code == 422
    assert "key_set_url" in bad.content.decode()
    none = api.post(url, {**PLATFORM, "deployment_ids": []}, content_type="application/json")
    assert none.status_code == 422 and "deployment_ids" in none.content.decode()
    assert not Platform.objects.exists()
    ok = api.post(url, PLATFORM, content_type="application/json")
    assert ok.status_code == 201 and ok.json()["client_id"] == "abc123"
    assert [p["id"] for p in api.get(url).json()] == [ok.json()["id"]]
    tool = api.get(f"/api/v1/institutions/{uni.pk}/lti/tool").json()
    assert tool["jwks"] == "http://testserver/lti/jwks.json"


def test_only_owners_and_admins_register_and_outsiders_see_nothing(
    uni: Organisation, dana: User, eve: User, bob: User, api_for: Callable[[User | None], Client]
) -> None:
    Membership.objects.create(organisation=uni, user=bob, role="member")
    url = f"/api/v1/institutions/{uni.pk}/lti/platforms"
    member = api_for(bob)
    assert member.get(url).status_code == 200
    assert member.post(url, PLATFORM, content_type="application/json").status_code == 403
    assert api_for(eve).get(url).status_code == 404
    assert api_for(eve).post(url, PLATFORM, content_type="application/json").status_code == 404
    assert api_for(None).get(url).status_code == 401
    assert not Platform.objects.exists()


@pytest.fixture
def taught(
    lms: sim.SimulatedPlatform,
    platform: Platform,
    uni: Organisation,
    dana: User,
    acme: Organisation,
    bob: User,
) -> dict[str, Any]:
    """Two students launched from the course; sam consents to everything, tom to
    nothing. Both completed the course project; sam has a verified skill."""
    from stint.reviews.models import FollowUpOffer, VerifiedSkill
    from tests.institutions.conftest import apply_at

    for sub, email in (("s-sam", "sam@uni.example.edu"), ("s-tom", "tom@uni.example.edu")):
        assert lms.launch(Client(), sub=sub, email=email).status_code == 302
    course = Course.objects.get()
    project = make_opportunity(acme, bob, [], title="Data cleanup")
    services.course_attach(
        actor=dana, course_id=course.pk, program_id=None, opportunity_ids=[project.pk]
    )
    sam = User.objects.get(email="sam@uni.example.edu")
    tom = User.objects.get(email="tom@uni.example.edu")
    consent(sam, uni)
    for who in (sam, tom):
        e = engage(who, project)
        VerifiedSkill.objects.create(engagement=e, candidate=who, skill_id="esco:x", label="Python")
        FollowUpOffer.objects.create(
            engagement=e, employer=acme, candidate=who, kind="job", role_title="Analyst"
        )
    apply_at(sam, make_opportunity(acme, bob, [], title="Not in the course"))
    return {"course": course, "project": project, "sam": sam, "tom": tom}


def test_course_outcomes_count_only_consenting_students(
    taught: dict[str, Any], dana: User, api_for: Callable[[User | None], Client]
) -> None:
    course = taught["course"]
    body = api_for(dana).get(f"/api/v1/lti/courses/{course.pk}/outcomes").json()
    assert body["students"] == 2
    got = {o["name"]: (o["value"], o["sharing"]) for o in body["outcomes"]}
    assert got == {
        "participation": (1, 1),
        "completion": (1, 1),
        "skills_verified": (1, 1),
        "follow_up_offers": (1, 1),
        "grades_sent": (0, None),
    }
    client = Client()
    client.force_login(dana)
    listing = client.get(f"/lti/institutions/{course.platform.institution_id}/")
    assert f'href="/lti/courses/{course.pk}/outcomes/"'.encode() in listing.content
    page = client.get(f"/lti/courses/{course.pk}/outcomes/")
    assert page.status_code == 200
    assert b"Skills verified by employers" in page.content
    assert b"tom@uni.example.edu" not in page.content


def test_program_outcomes(
    uni: Organisation,
    dana: User,
    acme: Organisation,
    bob: User,
    api_for: Callable[[User | None], Client],
    eve: User,
) -> None:
    from tests.institutions.conftest import student

    program = Program.objects.create(institution=uni, name="Cohort", created_by=dana)
    project = make_opportunity(acme, bob, [], title="Data cleanup")
    ProgramOpportunity.objects.create(
        program=program, opportunity=project, status="accepted", proposed_by_side="employer"
    )
    sam = student("sam@uni.example.edu", uni)
    quiet = student("quiet@uni.example.edu", uni)
    for who in (sam, quiet):
        CohortMember.objects.create(program=program, student=who)
        engage(who, project)
    consent(sam, uni)
    body = api_for(dana).get(f"/api/v1/programs/{program.pk}/outcomes").json()
    assert body["students"] == 2
    assert {o["name"]: o["value"] for o in body["outcomes"]}["completion"] == 1
    client = Client()
    client.force_login(dana)
    assert (
        f"/lti/programs/{program.pk}/outcomes/".encode()
        in client.get(f"/lti/institutions/{uni.pk}/").content
    )
    assert client.get(f"/lti/programs/{program.pk}/outcomes/").status_code == 200
    assert api_for(eve).get(f"/api/v1/programs/{program.pk}/outcomes").status_code == 404


def test_course_set_up_page_and_api_twin(
    taught: dict[str, Any], dana: User, uni: Organisation, api_for: Callable[[User | None], Client]
) -> None:
    course, project = taught["course"], taught["project"]
    program = Program.objects.create(institution=uni, name="Cohort", created_by=dana)
    client = Client()
    client.force_login(dana)
    assert client.get(f"/lti/courses/{course.pk}/manage/").status_code == 200
    response = client.post(
        f"/lti/courses/{course.pk}/manage/",
        {
            "action": "attach",
            "program": program.pk,
            "opportunities": "999999",
            "grade_mode": "rating",
        },
    )
    assert response.status_code == 422 and b"999999" in response.content
    course.refresh_from_db()
    assert course.program is None and course.grade_mode == "completion"
    api = api_for(dana)
    put = api.put(
        f"/api/v1/lti/courses/{course.pk}",
        {"program_id": program.pk, "opportunity_ids": [project.pk], "grade_mode": "rating"},
        content_type="application/json",
    )
    assert put.status_code == 200
    assert put.json()["program_id"] == program.pk and put.json()["grade_mode"] == "rating"
    bad = api.put(
        f"/api/v1/lti/courses/{course.pk}",
        {"program_id": 424242},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "program_id" in bad.content.decode()
    listed = api.get(f"/api/v1/institutions/{uni.pk}/lti/courses").json()
    assert [c["id"] for c in listed] == [course.pk]


def test_students_and_outsiders_cannot_manage_a_course(
    taught: dict[str, Any], eve: User, api_for: Callable[[User | None], Client]
) -> None:
    course, sam = taught["course"], taught["sam"]
    for who in (sam, eve):
        client = Client()
        client.force_login(who)
        assert client.get(f"/lti/courses/{course.pk}/manage/").status_code == 404
        assert client.get(f"/lti/courses/{course.pk}/outcomes/").status_code == 404
        api = api_for(who)
        assert api.get(f"/api/v1/lti/courses/{course.pk}").status_code == 404
        assert api.get(f"/api/v1/lti/courses/{course.pk}/outcomes").status_code == 404
        assert api.post(f"/api/v1/lti/courses/{course.pk}/roster").status_code == 404
        assert api.post(f"/api/v1/lti/courses/{course.pk}/grades").status_code == 404
    # The student sees the course's own page; the outsider does not.
    student = Client()
    student.force_login(sam)
    assert student.get(f"/lti/courses/{course.pk}/").status_code == 200
    outsider = Client()
    outsider.force_login(eve)
    assert outsider.get(f"/lti/courses/{course.pk}/").status_code == 404


def test_owners_change_deployment_ids_page_and_api(
    platform: Platform,
    dana: User,
    bob: User,
    uni: Organisation,
    api_for: Callable[[User | None], Client],
) -> None:
    client = Client()
    client.force_login(dana)
    page = client.get(f"/lti/institutions/{uni.pk}/")
    assert f"{sim.DEPLOYMENT}\n".encode() in page.content
    client.post(
        f"/lti/institutions/{uni.pk}/",
        {"action": "deployments", "platform": platform.pk, "deployment_ids": "d-2\nd-3\n"},
    )
    platform.refresh_from_db()
    assert platform.deployment_ids == ["d-2", "d-3"]
    url = f"/api/v1/lti/platforms/{platform.pk}/deployments"
    put = api_for(dana).put(url, {"deployment_ids": ["d-4"]}, content_type="application/json")
    assert put.status_code == 200 and put.json()["deployment_ids"] == ["d-4"]
    Membership.objects.create(organisation=uni, user=bob, role="member")
    refused = api_for(bob).put(url, {"deployment_ids": ["x"]}, content_type="application/json")
    assert refused.status_code == 403
    empty = api_for(dana).put(url, {"deployment_ids": []}, content_type="application/json")
    assert empty.status_code == 422
    platform.refresh_from_db()
    assert platform.deployment_ids == ["d-4"]
