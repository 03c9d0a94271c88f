"""A resume naming skills the person already has says so, instead of "no new skills"."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from stint.accounts.models import User
from stint.profiles import services
from stint.profiles.models import CandidateProfile, SkillClaim
from tests.profiles.conftest import PYTHON, SQL, STATISTICS

pytestmark = pytest.mark.django_db

TABLEAU = "onet:tableau"


def test_api_upload_lists_new_and_already_present_skills_with_the_real_finder(
    alice: User, api_for: Any
) -> None:
    api = api_for(alice)
    services.skill_add(actor=alice, skill_id=PYTHON, level=3)
    services.skill_add(actor=alice, skill_id=SQL, level=2)
    text = b"Ada Lovelace\nSkills: Python, SQL, Tableau, statistics\n"
    r = api.post("/api/v1/profile/resume", {"resume": SimpleUploadedFile("cv.txt", text)})
    assert r.status_code == 201, r.content
    body = r.json()
    new = {s["id"]: s for s in body["suggestions"]}
    present = {s["id"]: s for s in body["already_on_profile"]}
    assert {TABLEAU, STATISTICS} <= set(new)
    assert set(present) == {PYTHON, SQL}
    assert present[PYTHON]["name"] == "Python" and present[PYTHON]["evidence"] == "Python"
    assert not set(new) & set(present)
    # The profile read shows the same, and nothing was claimed without confirmation.
    resume = api.get("/api/v1/profile").json()["resume"]
    assert {s["id"] for s in resume["already_on_profile"]} == {PYTHON, SQL}
    assert SkillClaim.objects.count() == 2
    # Confirming clears both lists.
    r = api.post(
        "/api/v1/profile/resume/confirm",
        {"skills": [{"skill_id": TABLEAU, "level": 2}]},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    resume = api.get("/api/v1/profile").json()["resume"]
    assert resume["suggestions"] == [] and resume["already_on_profile"] == []


def test_page_says_skills_are_already_on_the_profile(
    alice: User, client_for: Any, fake_suggestions: list[dict[str, Any]]
) -> None:
    services.skill_add(actor=alice, skill_id=SQL, level=2)
    page = client_for(alice)
    r = page.post(
        "/profile/resume/",
        {"resume": SimpleUploadedFile("cv.txt", b"SQL and statistics", "text/plain")},
        follow=True,
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "1 new skill for you to confirm" in html
    assert "1 skill in it is already on your profile" in html
    assert "no new skills" not in html
    assert "Already on your profile" in html and 'id="resume-on-profile"' in html
    profile = CandidateProfile.objects.get(user=alice)
    assert [s["id"] for s in profile.resume_suggestions] == [STATISTICS]
    assert [s["id"] for s in profile.resume_on_profile] == [SQL]


def test_page_when_every_skill_found_is_already_there(
    alice: User, client_for: Any, fake_suggestions: list[dict[str, Any]]
) -> None:
    services.skill_add(actor=alice, skill_id=SQL, level=2)
    services.skill_add(actor=alice, skill_id=STATISTICS, level=2)
    page = client_for(alice)
    r = page.post(
        "/profile/resume/",
        {"resume": SimpleUploadedFile("cv.txt", b"SQL and statistics", "text/plain")},
        follow=True,
    )
    html = r.content.decode()
    assert "The 2 skills we found in it are already on your profile" in html
    assert "no new skills" not in html and "Skills we found in your resume" not in html


def test_removing_the_resume_forgets_both_lists(
    alice: User, fake_suggestions: list[dict[str, Any]]
) -> None:
    services.skill_add(actor=alice, skill_id=SQL, level=2)
    services.resume_upload(
        actor=alice, file=SimpleUploadedFile("cv.txt", b"SQL and statistics", "text/plain")
    )
    services.resume_remove(actor=alice)
    profile = CandidateProfile.objects.get(user=alice)
    assert profile.resume_suggestions == [] and profile.resume_on_profile == []


def test_an_outsider_cannot_read_anothers_resume_findings(
    alice: User, eve: User, api_for: Any, fake_suggestions: list[dict[str, Any]]
) -> None:
    services.resume_upload(
        actor=alice, file=SimpleUploadedFile("cv.txt", b"SQL and statistics", "text/plain")
    )
    r = api_for(eve).get(f"/api/v1/profiles/{alice.pk}/resume")
    assert r.status_code in (403, 404)
