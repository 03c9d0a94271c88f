"""Issue 14 item 8: a stale autocomplete choice is not added. Typing "Figm"
offers Figma; replacing the text with "qqzz nonsense" and pressing Enter (before
the options refresh) sends the old radio with the new text."""

from __future__ import annotations

from typing import Any

import pytest

from stint.accounts.models import User
from stint.matching import engine
from stint.profiles.models import CareerGoal, SkillClaim

pytestmark = pytest.mark.django_db


def _first(q: str) -> dict[str, str]:
    options = engine.search_skills(q, 8)
    assert options, q
    return options[0]


def test_a_choice_left_from_earlier_text_is_not_added(alice: User, client_for: Any) -> None:
    figma = _first("Figm")
    r = client_for(alice).post(
        "/profile/skills/", {"q": "qqzz nonsense", "skill_id": figma["id"], "level": "2"}
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "Nothing matches “qqzz nonsense”, so nothing was added." in html
    assert f"{figma['label']} added" not in html
    assert not SkillClaim.objects.exists()


def test_new_text_offers_its_own_matches_instead(alice: User, client_for: Any) -> None:
    figma = _first("Figm")
    python = _first("python")
    r = client_for(alice).post(
        "/profile/skills/", {"q": "python", "skill_id": figma["id"], "level": "2"}
    )
    assert r.status_code == 200
    assert "Pick one of the matching skills" in r.content.decode()
    assert f'value="{python["id"]}"' in r.content.decode()
    assert not SkillClaim.objects.exists()


def test_a_choice_matching_its_text_is_added(alice: User, client_for: Any) -> None:
    figma = _first("Figm")
    r = client_for(alice).post(
        "/profile/skills/", {"q": "Figm", "skill_id": figma["id"], "level": "2"}
    )
    assert r.status_code == 302
    assert SkillClaim.objects.get().skill_id == figma["id"]


def test_a_stale_goal_is_not_added_either(alice: User, client_for: Any) -> None:
    analyst = engine.search_occupations("junior data analyst", 8)[0]
    r = client_for(alice).post(
        "/profile/goals/", {"q": "qqzz nonsense", "occupation_id": analyst["id"]}
    )
    assert r.status_code == 200
    assert not CareerGoal.objects.exists()


def test_the_page_marks_the_inputs_whose_choices_go_stale(alice: User, client_for: Any) -> None:
    html = client_for(alice).get("/profile/").content.decode()
    assert 'data-choices="#skill-options"' in html and "stint/choices.js" in html
