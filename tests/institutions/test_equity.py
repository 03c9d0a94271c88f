"""Declared groups reach staff only as totals, and nothing under 5 is shown."""

from __future__ import annotations

from typing import Any

import pytest

from stint.accounts.models import User
from stint.institutions import services
from stint.institutions.models import EquityGroup
from stint.orgs.models import Organisation
from tests.institutions.conftest import apply_at, consent, engage, make_opportunities, student

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups(uni: Organisation, dana: User) -> dict[str, EquityGroup]:
    first = services.group_add(
        actor=dana, institution_id=uni.pk, category="Background", label="First-generation student"
    )
    disabled = services.group_add(
        actor=dana, institution_id=uni.pk, category="Disability", label="Disabled student"
    )
    return {"first": first, "disabled": disabled}


@pytest.fixture
def cohort(uni: Organisation, acme, bob: User, groups: dict[str, EquityGroup]) -> list[User]:  # type: ignore[no-untyped-def]
    """Six first-generation students (all apply, five complete) and four disabled students."""
    opps = make_opportunities(acme, bob, 2)
    people = []
    for i in range(10):
        s = student(f"s{i}@uni.example.edu", uni, name=f"Student {i}")
        consent(s, uni)
        group = groups["first"] if i < 6 else groups["disabled"]
        services.declaration_set(actor=s, institution_id=uni.pk, group_ids=[group.pk])
        if i < 5:
            engage(s, opps[0])
        apply_at(s, opps[1])
        people.append(s)
    return people


def _rows(api, uni: Organisation) -> dict[str, dict[str, Any]]:  # type: ignore[no-untyped-def]
    body = api.get(f"/api/v1/institutions/{uni.pk}/reports/equity").json()
    return {r["group"]: r for r in body["rows"]}


def test_groups_under_five_are_suppressed(
    cohort: list[User], uni: Organisation, dana: User, api_for, client_for
) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(api_for(dana), uni)
    first = rows["First-generation student"]
    assert first["students"] == 6
    assert first["applied_pct"] == 100.0
    assert first["selected_pct"] == pytest.approx(83.3)
    assert first["completed_pct"] == pytest.approx(83.3)
    disabled = rows["Disabled student"]
    assert disabled["students"] == "<5"
    assert disabled["applied_pct"] == disabled["selected_pct"] == disabled["completed_pct"] == "<5"

    dash = api_for(dana).get(f"/api/v1/institutions/{uni.pk}/dashboard").json()
    eq = {r["group"]: r for r in dash["equity"]}
    assert (
        eq["Disabled student"]["students"] is None and eq["Disabled student"]["applied_pct"] is None
    )
    assert eq["First-generation student"]["students"] == 6

    html = client_for(dana).get(f"/institutions/{uni.pk}/staff/").content.decode()
    assert "First-generation student" in html
    # The suppressed group is in the table as "<5" but never in a chart.
    assert html.count("Disabled student") == 1


def test_small_counts_inside_a_large_group_are_suppressed(
    cohort: list[User], uni: Organisation, dana: User, api_for
) -> None:  # type: ignore[no-untyped-def]
    # One first-generation student stops sharing completions: 4 of 5 completed shown as "<5".
    services.consent_set(actor=cohort[0], institution_id=uni.pk, scopes={"completions": False})
    first = _rows(api_for(dana), uni)["First-generation student"]
    assert first["students"] == 6
    assert first["completed_pct"] == "<5"


def test_group_totals_follow_group_consent(
    cohort: list[User], uni: Organisation, dana: User, api_for
) -> None:  # type: ignore[no-untyped-def]
    services.consent_withdraw(actor=cohort[0], institution_id=uni.pk)
    services.consent_withdraw(actor=cohort[1], institution_id=uni.pk)
    first = _rows(api_for(dana), uni)["First-generation student"]
    assert first["students"] == "<5"


def test_prefer_not_to_say_is_always_offered_and_counted(
    uni: Organisation, dana: User, groups: dict[str, EquityGroup], api_for
) -> None:  # type: ignore[no-untyped-def]
    for i in range(5):
        s = student(f"p{i}@uni.example.edu", uni)
        consent(s, uni)
        services.declaration_set(
            actor=s, institution_id=uni.pk, group_ids=[], prefer_not_to_say=True
        )
    assert _rows(api_for(dana), uni)["Prefer not to say"]["students"] == 5


def test_dashboard_charts_render(
    cohort: list[User], uni: Organisation, dana: User, client_for
) -> None:  # type: ignore[no-untyped-def]
    r = client_for(dana).get(f"/institutions/{uni.pk}/staff/")
    assert r.status_code == 200
    html = r.content.decode()
    for title in (
        "Monthly active students",
        "Ended engagements by outcome",
        "Top verified skills",
        "Employers engaged (selections)",
        "Share of each group applying",
        "Share of each group selected",
        "Share of each group completing",
    ):
        assert f">{title}</title>" in html, title
    assert html.count("<svg class='chart'") == 7
    assert "<script" not in html.split("</head>")[1]


def test_empty_dashboard_renders(uni: Organisation, dana: User, client_for) -> None:  # type: ignore[no-untyped-def]
    r = client_for(dana).get(f"/institutions/{uni.pk}/staff/")
    assert r.status_code == 200 and "No data yet" in r.content.decode()


def test_archived_groups_stop_counting(
    cohort: list[User], uni: Organisation, dana: User, groups: dict[str, EquityGroup], api_for
) -> None:  # type: ignore[no-untyped-def]
    services.group_archive(actor=dana, group_id=groups["first"].pk)
    assert "First-generation student" not in _rows(api_for(dana), uni)
