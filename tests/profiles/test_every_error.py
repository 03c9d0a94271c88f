"""Issue 14 item 6: the profile form shows every field at fault in one submit,
and saves nothing while any is wrong."""

from __future__ import annotations

from typing import Any

import pytest

from stint.accounts.models import User
from stint.profiles.models import CandidateProfile

pytestmark = pytest.mark.django_db

GOOD = {
    "headline": "Economics student",
    "bio": "",
    "location_country": "gb",
    "location_city": "Leeds",
    "time_zone": "Europe/London",
    "remote_preference": "hybrid",
    "hours_per_week": "8",
    "interests": "climate",
    "industries": "",
    "links": "",
}


def test_profile_edit_reports_all_errors_at_once(alice: User, client_for: Any) -> None:
    page = client_for(alice)
    assert page.post("/profile/edit/", GOOD).status_code == 302
    bad = {
        **GOOD,
        "headline": "Changed",
        "location_country": "ZZ",
        "time_zone": "Mars/Olympus",
        "hours_per_week": "99",
        "links": "javascript:alert(1)",
    }
    r = page.post("/profile/edit/", bad)
    assert r.status_code == 200
    errors = r.context["form"].errors
    assert set(errors) == {"location_country", "time_zone", "hours_per_week", "links"}
    profile = CandidateProfile.objects.get(user=alice)
    assert profile.headline == "Economics student"  # nothing saved, not even the good field
