from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from stint.accounts.models import User
from stint.profiles.models import AvailabilityWindow, CandidateProfile, CareerGoal, SkillClaim
from tests.profiles.conftest import DATA_ANALYST, PYTHON

pytestmark = pytest.mark.django_db

JSON = "application/json"


def test_get_creates_the_profile_and_shows_the_meter(alice: User, api_for: Any) -> None:
    r = api_for(alice).get("/api/v1/profile")
    assert r.status_code == 200
    body = r.json()
    assert body["user_id"] == alice.pk and body["time_zone"] == "UTC"
    assert body["completeness"]["percent"] == 0
    assert body["completeness"]["next_step"].startswith("Add a headline")
    assert body["resume"] is None


def test_non_candidates_and_anonymous_callers_have_no_profile(eve: User, api_for: Any) -> None:
    r = api_for(eve).get("/api/v1/profile")
    assert r.status_code == 403 and "Only candidates" in r.json()["detail"]
    assert api_for(None).get("/api/v1/profile").status_code == 401
    assert not CandidateProfile.objects.exists()


def test_build_a_profile_through_the_api(alice: User, api_for: Any) -> None:
    api = api_for(alice)
    today = timezone.localdate()
    r = api.patch(
        "/api/v1/profile",
        {
            "headline": "Economics student",
            "location_country": "ke",
            "location_city": "Nairobi",
            "time_zone": "Africa/Nairobi",
            "remote_preference": "remote",
            "hours_per_week": 15,
            "interests": ["health"],
            "links": ["https://github.com/alice"],
        },
        content_type=JSON,
    )
    assert r.status_code == 200, r.content
    assert r.json()["location_country"] == "KE"
    r = api.post("/api/v1/profile/skills", {"skill_id": PYTHON, "level": 3}, content_type=JSON)
    assert r.status_code == 201
    claim_id = r.json()["id"]
    assert r.json()["label"] == "Python (computer programming)"
    r = api.patch(f"/api/v1/profile/skills/{claim_id}", {"level": 4}, content_type=JSON)
    assert r.json()["level"] == 4
    r = api.post("/api/v1/profile/skills", {"skill_id": PYTHON, "level": 1}, content_type=JSON)
    assert r.status_code == 409 and r.json()["code"] == "skill_exists"
    r = api.post("/api/v1/profile/goals", {"occupation_id": DATA_ANALYST}, content_type=JSON)
    assert r.status_code == 201 and r.json()["label"] == "data analyst"
    r = api.post(
        "/api/v1/profile/education",
        {"institution_name": "Uni of Nairobi", "degree": "BA", "graduation_year": today.year},
        content_type=JSON,
    )
    assert r.status_code == 201
    r = api.post(
        "/api/v1/profile/windows",
        {"start": str(today), "end": str(today + timedelta(days=60))},
        content_type=JSON,
    )
    assert r.status_code == 201
    body = api.get("/api/v1/profile").json()
    assert [s["skill_id"] for s in body["skills"]] == [PYTHON]
    assert body["goals"][0]["occupation_id"] == DATA_ANALYST
    assert len(body["education"]) == 1 and len(body["windows"]) == 1
    assert body["completeness"]["percent"] == 70
    assert body["completeness"]["missing"] == ["skills", "bio", "resume"]
    for url in (
        f"/api/v1/profile/skills/{claim_id}",
        f"/api/v1/profile/goals/{body['goals'][0]['id']}",
        f"/api/v1/profile/education/{body['education'][0]['id']}",
        f"/api/v1/profile/windows/{body['windows'][0]['id']}",
    ):
        assert api.delete(url).status_code == 204, url
        assert api.delete(url).status_code == 404, url


@pytest.mark.parametrize(
    ("url", "payload", "field"),
    [
        ("/api/v1/profile/skills", {"skill_id": PYTHON, "level": 5}, "level"),
        ("/api/v1/profile/skills", {"skill_id": PYTHON, "level": "expert"}, "level"),
        ("/api/v1/profile/skills", {"skill_id": "esco:made-up", "level": 2}, "skill_id"),
        ("/api/v1/profile/goals", {"occupation_id": "made-up"}, "occupation_id"),
        (
            "/api/v1/profile/windows",
            {"start": "2100-02-01", "end": "2100-01-01"},
            "end",
        ),
        ("/api/v1/profile/windows", {"start": "2100-02-01", "end": "someday"}, "end"),
        (
            "/api/v1/profile/education",
            {"institution_name": "Uni", "graduation_year": 3000},
            "graduation_year",
        ),
    ],
)
def test_bad_additions_are_422_naming_the_field_and_add_nothing(
    alice: User, api_for: Any, url: str, payload: dict[str, Any], field: str
) -> None:
    r = api_for(alice).post(url, payload, content_type=JSON)
    assert r.status_code == 422, r.content
    assert field in {e["field"] for e in r.json()["errors"]}
    assert not SkillClaim.objects.exists()
    assert not CareerGoal.objects.exists()
    assert not AvailabilityWindow.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"time_zone": "Europe/Atlantis"}, "time_zone"),
        ({"links": ["https://ok.example", "not a url"]}, "links"),
        ({"location_country": "XX"}, "location_country"),
        ({"hours_per_week": 100}, "hours_per_week"),
        ({"headline": "x" * 141}, "headline"),
    ],
)
def test_bad_patch_is_422_naming_the_field_and_changes_nothing(
    alice: User, api_for: Any, payload: dict[str, Any], field: str
) -> None:
    api = api_for(alice)
    before = api.get("/api/v1/profile").json()
    r = api.patch("/api/v1/profile", {"bio": "changed", **payload}, content_type=JSON)
    assert r.status_code == 422, r.content
    assert [e["field"] for e in r.json()["errors"]] == [field]
    after = api.get("/api/v1/profile").json()
    assert after == before


def test_taxonomy_lookups(alice: User, eve: User, api_for: Any) -> None:
    api = api_for(eve)  # any signed-in user may look skills up
    skills = api.get("/api/v1/taxonomy/skills", {"q": "python", "k": 3}).json()
    assert skills[0] == {
        "id": PYTHON,
        "label": "Python (computer programming)",
        "kind": "knowledge",
    }
    assert api.get("/api/v1/taxonomy/skills", {"q": " "}).json() == []
    occupations = api.get("/api/v1/taxonomy/occupations", {"q": "junior data analyst"}).json()
    assert occupations[0]["id"] == DATA_ANALYST
    assert occupations[0]["score"] >= occupations[-1]["score"]
    assert api_for(None).get("/api/v1/taxonomy/skills", {"q": "sql"}).status_code == 401
