from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from stint.accounts.models import User
from stint.profiles import selectors, services
from stint.profiles.models import AvailabilityWindow, CandidateProfile, CareerGoal, SkillClaim
from tests.profiles.conftest import DATA_ANALYST, PYTHON

pytestmark = pytest.mark.django_db


def test_the_profile_page_shows_every_section_and_the_meter(alice: User, client_for: Any) -> None:
    r = client_for(alice).get("/profile/")
    assert r.status_code == 200
    html = r.content.decode()
    for heading in ("About", "Skills", "Resume", "Career goals", "Education", "When you are free"):
        assert f">{heading}</h2>" in html, heading
    assert "Profile 0% complete" in html and "Add a headline" in html
    assert "<script>" not in html and 'hx-get="/profile/skills/search/"' in html
    assert html.count('id="skill_q"') == 1 and html.count('id="goal_q"') == 1


def test_non_candidates_are_told_how_to_become_one(eve: User, client_for: Any) -> None:
    r = client_for(eve).get("/profile/")
    assert r.status_code == 403 and b"become a candidate" in r.content
    assert client_for(None).get("/profile/").status_code == 302  # to log in


def test_edit_details_saves_and_shows_errors_next_to_the_field(
    alice: User, client_for: Any
) -> None:
    page = client_for(alice)
    form = {
        "headline": "Economics student",
        "bio": "",
        "location_country": "gb",
        "location_city": "Leeds",
        "time_zone": "Europe/London",
        "remote_preference": "hybrid",
        "hours_per_week": "8",
        "interests": "climate, health",
        "industries": "",
        "links": "github.com/alice\nhttps://alice.dev",
    }
    assert page.get("/profile/edit/").status_code == 200
    assert page.post("/profile/edit/", form).status_code == 302
    profile = CandidateProfile.objects.get(user=alice)
    assert profile.interests == ["climate", "health"]
    assert profile.links == ["https://github.com/alice", "https://alice.dev"]
    r = page.post("/profile/edit/", {**form, "time_zone": "Mars/Olympus", "headline": "Changed"})
    assert r.status_code == 200
    errors = r.context["form"].errors
    assert list(errors) == ["time_zone"] and "not a time zone" in errors["time_zone"][0]
    r = page.post("/profile/edit/", {**form, "links": "javascript:alert(1)"})
    assert list(r.context["form"].errors) == ["links"]
    profile.refresh_from_db()
    assert profile.headline == "Economics student" and profile.time_zone == "Europe/London"


def test_autocomplete_fragments(alice: User, client_for: Any) -> None:
    page = client_for(alice)
    r = page.get("/profile/skills/search/", {"q": "python"})
    assert r.status_code == 200
    assert f'value="{PYTHON}"'.encode() in r.content and b"<html" not in r.content
    assert b"No skills match" in page.get("/profile/skills/search/", {"q": "qqqzzzxx"}).content
    r = page.get("/profile/goals/search/", {"q": "junior data analyst"})
    assert f'value="{DATA_ANALYST}"'.encode() in r.content
    assert r.content.index(b"data analyst") < r.content.index(b"statistician")


def test_pick_a_skill_and_a_goal_with_or_without_javascript(alice: User, client_for: Any) -> None:
    page = client_for(alice)
    # Without a pick (no JavaScript): the matches are offered, nothing is added.
    r = page.post("/profile/skills/", {"q": "python", "level": "3"})
    assert r.status_code == 200
    assert "Pick one of the matching skills" in r.content.decode()
    assert f'value="{PYTHON}"' in r.content.decode()
    assert not SkillClaim.objects.exists()
    # With a pick.
    r = page.post("/profile/skills/", {"q": "python", "skill_id": PYTHON, "level": "3"})
    assert r.status_code == 302
    assert SkillClaim.objects.get().level == 3
    # An unknown id is an error next to the field, and nothing changes.
    r = page.post("/profile/skills/", {"q": "x", "skill_id": "made-up", "level": "3"})
    assert "Choose a skill from the list" in r.content.decode()
    assert SkillClaim.objects.count() == 1
    r = page.post("/profile/goals/", {"q": "junior data analyst"})
    assert "Pick the occupation closest" in r.content.decode()
    r = page.post("/profile/goals/", {"q": "junior data analyst", "occupation_id": DATA_ANALYST})
    assert r.status_code == 302 and CareerGoal.objects.get().label == "data analyst"


def test_window_and_education_errors_show_on_the_page(alice: User, client_for: Any) -> None:
    page = client_for(alice)
    today = timezone.localdate()
    r = page.post("/profile/windows/", {"start": str(today + timedelta(days=9)), "end": str(today)})
    assert r.status_code == 200
    assert r.context["window_form"].errors == {
        "end": ["The end date must be on or after the start date."]
    }
    assert not AvailabilityWindow.objects.exists()
    r = page.post("/profile/education/", {"institution_name": "Uni", "graduation_year": "1800"})
    assert list(r.context["education_form"].errors) == ["graduation_year"]
    r = page.post("/profile/windows/", {"start": str(today), "end": str(today)})
    assert r.status_code == 302 and AvailabilityWindow.objects.count() == 1


def test_skill_level_and_removal_buttons(alice: User, client_for: Any) -> None:
    page = client_for(alice)
    claim = services.skill_add(actor=alice, skill_id=PYTHON, level=2)
    assert page.post(f"/profile/skills/{claim.pk}/level/", {"level": "4"}).status_code == 302
    assert SkillClaim.objects.get().level == 4
    assert page.post(f"/profile/skills/{claim.pk}/remove/").status_code == 302
    assert not SkillClaim.objects.exists()


def test_the_dashboard_partial(alice: User) -> None:
    services.profile_update(actor=alice, headline="Economics student")
    html = render_to_string(
        "profiles/_dashboard_candidate.html", {"panel": selectors.dashboard_candidate(alice)}
    )
    assert "Profile 15% complete" in html and "Add at least 3 skills" in html
    assert 'href="/profile/"' in html


def test_the_page_uses_a_fixed_number_of_queries(
    alice: User, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    page = client_for(alice)
    services.skill_add(actor=alice, skill_id=PYTHON, level=2)
    services.goal_add(actor=alice, occupation_id=DATA_ANALYST)
    for year in (2020, 2022, 2024):
        services.education_add(actor=alice, institution_name=f"School {year}", graduation_year=year)
    # 12: one more than before for the viewer's time zone (core.middleware, ADR 0021).
    with django_assert_max_num_queries(12):
        assert page.get("/profile/").status_code == 200


def test_platform_admins_see_profiles_in_the_admin_without_a_file_url(
    alice: User, root: User, client_for: Any
) -> None:
    profile = services.profile_get_or_create(actor=alice)
    r = client_for(root).get(f"/admin/profiles/candidateprofile/{profile.pk}/change/")
    assert r.status_code == 200
    assert f'href="/profile/{alice.pk}/"'.encode() in r.content and b"/media/" not in r.content


def test_the_skill_list_shows_plain_names_with_the_taxonomy_label_on_hover(
    alice: User, client_for: Any
) -> None:
    """Profiles listed raw ESCO labels ("use spreadsheets software"); elsewhere people
    read plain names. The full label stays available as the cell's title."""
    from stint.matching.engine import skill_name, taxonomy

    chosen = next(
        s
        for s in taxonomy().skills.values()
        if s.id.count("-") == 4 and (skill_name(s.id) or s.label) != s.label and "&" not in s.label
    )
    plain = skill_name(chosen.id)
    services.skill_add(actor=alice, skill_id=chosen.id, level=3)
    html = client_for(alice).get("/profile/").content.decode()
    table = html[html.index('id="skills"') : html.index("</table>", html.index('id="skills"'))]
    assert f'<td title="{chosen.label}">{plain}</td>' in table
