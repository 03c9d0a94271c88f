"""Issue 14 item 15: the wording fixes in this helper's areas."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.test import Client

from stint.accounts.models import User
from stint.orgs.models import Organisation
from stint.reviews.services import _with_article


@pytest.mark.parametrize(
    ("days", "text"), [(0.0, "less than a day"), (1, "1 day"), (2.5, "2.5 days"), (3.0, "3 days")]
)
def test_median_wait_reads_naturally(days: float, text: str) -> None:
    stats = SimpleNamespace(response_rate_percent=80, window_days=14, median_response_days=days)
    html = render_to_string("applications/_response_stats.html", {"stats": stats})
    assert f"the typical (median) wait is {text}." in html
    assert "0.0 days" not in html


def test_follow_up_titles_use_the_right_article() -> None:
    assert _with_article("another project") == "another project"
    assert _with_article("internship") == "an internship"
    assert _with_article("job") == "a job"


@pytest.mark.django_db
def test_employer_nav_has_programs_and_candidates_are_not_told_to_be_students(
    bob: User,
    alice: User,
    acme: Organisation,
    client_for: Callable[[User | None], Client],
) -> None:
    assert b'href="/programs/">Programs</a>' in client_for(bob).get("/dashboard/").content
    page = client_for(alice).get("/dashboard/").content.decode()
    assert "Students: add and verify your university email" in page
    assert "not a student? nothing to do" in page
