from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from stint.accounts.models import User
from stint.opportunities import selectors

pytestmark = pytest.mark.django_db


def test_employer_panel_counts_and_renders(bob: User, make_opportunity) -> None:  # type: ignore[no-untyped-def]
    make_opportunity()
    make_opportunity(publish=False, title="A draft for later")
    data = selectors.dashboard_employer(bob)
    assert data["counts"]["published"] == 1 and data["counts"]["draft"] == 1
    assert data["total"] == 2 and len(data["recent"]) == 2
    html = render_to_string(
        "opportunities/_dashboard_employer.html", {"opportunities_employer": data}
    )
    assert "A draft for later" in html and "1 published" in html


def test_candidate_panel_lists_newest_visible(alice: User, make_opportunity) -> None:  # type: ignore[no-untyped-def]
    o = make_opportunity()
    make_opportunity(publish=False, title="Hidden draft")
    data = selectors.dashboard_candidate(alice)
    assert data["newest"] == [o]
    html = render_to_string(
        "opportunities/_dashboard_candidate.html", {"opportunities_candidate": data}
    )
    assert o.title in html and "Hidden draft" not in html


def test_empty_panels_say_what_to_do(eve: User) -> None:
    html = render_to_string(
        "opportunities/_dashboard_employer.html",
        {"opportunities_employer": selectors.dashboard_employer(eve)},
    )
    assert "No projects posted yet" in html
