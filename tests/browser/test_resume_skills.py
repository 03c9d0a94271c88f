"""A candidate uploads a plain-text resume listing ten skills and sees those ten
skills offered as suggestions to confirm (issue 12: "We found no new skills")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from stint.accounts.models import User
from stint.matching import engine
from stint.profiles import services as profiles
from stint.profiles.models import CandidateProfile
from stint_engine.taxonomy import Taxonomy
from tests.browser.conftest import log_in
from tests.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESUME = """Maya Okafor
Junior data analyst, Leeds

SKILLS
Python, SQL, Excel, Tableau, Power BI, data cleaning, statistics,
stakeholder communication, copywriting, project management

EXPERIENCE
Volunteer analyst, Leeds Food Bank (2024-2025)
"""
# what a person would pick for each listed skill (ESCO concept or O*NET tool)
TEN = [
    "Python (computer programming)",
    "SQL",
    "Microsoft Excel",
    "Tableau",
    "Microsoft Power BI",
    "perform data cleansing",
    "statistics",
    "communicate with stakeholders",
    "perform copywriting",
    "project management",
]


def skill_id(tx: Taxonomy, label: str) -> str:
    # an ESCO concept when there is one with this label, else the O*NET tool
    return min((s.kind == "tool", s.id) for s in tx.skills.values() if s.label == label)[1]


def test_a_txt_resume_listing_ten_skills_offers_those_ten(
    live_server: Any, page: Any, screenshot: Any, alice: User, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    profiles.profile_get_or_create(actor=alice)
    tx = Taxonomy.load()
    expected = {skill_id(tx, label) for label in TEN}
    resume = tmp_path / "maya-okafor.txt"
    resume.write_text(RESUME, encoding="utf-8")
    engine.suggest_skills("Python")  # build the dictionaries once, outside the click's wait

    log_in(page, live_server.url, alice.email, PASSWORD)
    page.goto(f"{live_server.url}/profile/")
    page.locator('#resume input[type="file"][name="resume"]').set_input_files(str(resume))
    page.get_by_role("button", name="Upload resume").click(timeout=120_000)
    page.wait_for_url(f"{live_server.url}/profile/", timeout=120_000)

    assert "We found" in page.content() and "no new skills" not in page.content()
    boxes = page.locator('#resume input[type="checkbox"][name="skill_id"]')
    offered = {boxes.nth(i).get_attribute("value") for i in range(boxes.count())}
    assert expected <= offered, sorted(expected - offered)
    # shown with the names people use, the taxonomy label on hover
    for name in ("Python", "Tableau", "copywriting", "statistics"):
        assert page.locator("#resume label", has_text=name).count() >= 1
    assert {s["id"] for s in CandidateProfile.objects.get(user=alice).resume_suggestions} >= (
        expected
    )
    screenshot("resume-suggestions")
