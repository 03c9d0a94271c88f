"""A profile is visible only to its owner and platform admins. Nobody else can
read it, download the resume, or change any part of it, by page or by API:
they get 404, so ids do not reveal who has a profile."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from stint.accounts.models import User
from stint.profiles import services
from stint.profiles.models import (
    AvailabilityWindow,
    CandidateProfile,
    CareerGoal,
    Education,
    SkillClaim,
)
from tests.profiles.conftest import DATA_ANALYST, PYTHON

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_profile(alice: User, fake_suggestions: Any) -> dict[str, Any]:
    today = timezone.localdate()
    services.profile_update(actor=alice, headline="Alice's headline")
    return {
        "skill": services.skill_add(actor=alice, skill_id=PYTHON, level=2),
        "goal": services.goal_add(actor=alice, occupation_id=DATA_ANALYST),
        "education": services.education_add(actor=alice, institution_name="Uni"),
        "window": services.window_add(actor=alice, start=today, end=today + timedelta(days=9)),
        "profile": services.resume_upload(
            actor=alice, file=SimpleUploadedFile("cv.txt", b"SQL and statistics", "text/plain")
        ),
    }


def _unchanged(alice: User, full: dict[str, Any]) -> None:
    profile = CandidateProfile.objects.get(user=alice)
    assert profile.headline == "Alice's headline"
    assert profile.resume.name == full["profile"].resume.name
    assert len(profile.resume_suggestions) == 2
    assert SkillClaim.objects.get(pk=full["skill"].pk).level == 2
    assert CareerGoal.objects.filter(pk=full["goal"].pk).exists()
    assert Education.objects.filter(pk=full["education"].pk).exists()
    assert AvailabilityWindow.objects.filter(pk=full["window"].pk).exists()


def test_outsiders_and_employers_cannot_read_alices_profile_or_resume(
    alice: User, bob: User, acme: Any, eve: User, full_profile: Any, api_for: Any, client_for: Any
) -> None:
    for user in (bob, eve):
        page, api = client_for(user), api_for(user)
        for url in (f"/profile/{alice.pk}/", f"/profile/{alice.pk}/resume/"):
            assert page.get(url).status_code == 404, (user, url)
        for url in (f"/api/v1/profiles/{alice.pk}", f"/api/v1/profiles/{alice.pk}/resume"):
            r = api.get(url)
            assert r.status_code == 404, (user, url)
            assert b"Alice" not in r.content
    # Same answer as for someone who does not exist.
    assert api_for(eve).get("/api/v1/profiles/999999").status_code == 404
    assert client_for(None).get(f"/profile/{alice.pk}/resume/").status_code == 302
    assert api_for(None).get(f"/api/v1/profiles/{alice.pk}/resume").status_code == 401


def test_nobody_else_can_change_any_part_of_it(
    alice: User, eve: User, full_profile: Any, api_for: Any, client_for: Any
) -> None:
    """Eve becomes a candidate too, so her requests reach the services and
    only the ownership check stands between her and Alice's rows."""
    eve.is_candidate = True
    eve.save()
    ids = {k: v.pk for k, v in full_profile.items() if k != "profile"}
    api = api_for(eve)
    attempts = [
        api.patch(
            f"/api/v1/profile/skills/{ids['skill']}", {"level": 4}, content_type="application/json"
        ),
        api.delete(f"/api/v1/profile/skills/{ids['skill']}"),
        api.delete(f"/api/v1/profile/goals/{ids['goal']}"),
        api.delete(f"/api/v1/profile/education/{ids['education']}"),
        api.delete(f"/api/v1/profile/windows/{ids['window']}"),
    ]
    assert [r.status_code for r in attempts] == [404] * 5
    page = client_for(eve)
    attempts = [
        page.post(f"/profile/skills/{ids['skill']}/level/", {"level": "4"}),
        page.post(f"/profile/skills/{ids['skill']}/remove/"),
        page.post(f"/profile/goals/{ids['goal']}/remove/"),
        page.post(f"/profile/education/{ids['education']}/remove/"),
        page.post(f"/profile/windows/{ids['window']}/remove/"),
    ]
    assert [r.status_code for r in attempts] == [404] * 5
    # Eve's own profile writes land on her profile, never Alice's.
    r = api.post(
        "/api/v1/profile/resume/confirm",
        {"skills": [{"skill_id": full_profile["profile"].resume_suggestions[0]["id"]}]},
        content_type="application/json",
    )
    assert r.status_code == 422
    assert api.get("/api/v1/profile").json()["user_id"] == eve.pk
    _unchanged(alice, full_profile)


def test_the_owner_and_platform_admins_can_read_and_download(
    alice: User, root: User, full_profile: Any, api_for: Any, client_for: Any
) -> None:
    for user in (alice, root):
        r = api_for(user).get(f"/api/v1/profiles/{alice.pk}")
        assert r.status_code == 200 and r.json()["headline"] == "Alice's headline"
        r = api_for(user).get(f"/api/v1/profiles/{alice.pk}/resume")
        assert r.status_code == 200 and b"".join(r.streaming_content) == b"SQL and statistics"
        page = client_for(user)
        r = page.get(f"/profile/{alice.pk}/")
        assert r.status_code == 200 and b"Alice&#x27;s headline" in r.content
        assert b"/remove/" not in r.content  # read-only view
        assert page.get(f"/profile/{alice.pk}/resume/").status_code == 200
    # An admin reads but cannot write someone else's profile: writes act on one's own.
    assert (
        api_for(root)
        .patch("/api/v1/profile", {"headline": "x"}, content_type="application/json")
        .status_code
        == 403
    )
    _unchanged(alice, full_profile)
