"""The dashboard partials and the institution pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from stint.accounts.models import User
from stint.institutions import selectors
from stint.orgs.models import Organisation
from tests.institutions.conftest import student

pytestmark = pytest.mark.django_db


def test_student_panel_asks_until_the_student_decides(uni: Organisation, client_for) -> None:  # type: ignore[no-untyped-def]
    sam = student("sam@uni.example.edu", uni)
    html = render_to_string(
        "institutions/_dashboard_student.html",
        {"institutions_student": selectors.dashboard_student(sam)},
        request=RequestFactory().get("/"),
    )
    assert "asks what you want to share" in html and f"/institutions/{uni.pk}/#consent" in html
    client_for(sam).post(f"/institutions/{uni.pk}/consent/withdraw/")
    html = render_to_string(
        "institutions/_dashboard_student.html",
        {"institutions_student": selectors.dashboard_student(sam)},
    )
    assert "asks" not in html and "you share nothing" in html


def test_staff_panel(world: dict[str, Any], uni: Organisation, dana: User) -> None:
    rows = selectors.dashboard_staff(dana)
    assert [(r.institution.pk, r.sharing, r.completions) for r in rows] == [(uni.pk, 1, 1)]
    html = render_to_string("institutions/_dashboard_staff.html", {"institutions_staff": rows})
    assert f"/institutions/{uni.pk}/staff/" in html and "1 student sharing" in html
    assert selectors.dashboard_staff(world["sam"]) == []


def test_list_and_detail_pages(
    world: dict[str, Any], uni: Organisation, dana: User, client_for
) -> None:  # type: ignore[no-untyped-def]
    html = client_for(dana).get("/institutions/").content.decode()
    assert f"/institutions/{uni.pk}/staff/" in html
    html = client_for(dana).get(f"/institutions/{uni.pk}/").content.decode()
    assert "Dashboard and reports" in html and "What Uni of Testing may see" not in html
    html = client_for(world["sam"]).get("/institutions/").content.decode()
    assert f"/institutions/{uni.pk}/" in html
    html = client_for(world["sam"]).get(f"/institutions/{uni.pk}/").content.decode()
    assert "What Uni of Testing may see" in html and "Dashboard and reports" not in html


def test_report_pages_render_every_table(
    world: dict[str, Any], uni: Organisation, dana: User, client_for
) -> None:  # type: ignore[no-untyped-def]
    page = client_for(dana)
    for name in selectors.TABLE_NAMES:
        r = page.get(f"/institutions/{uni.pk}/staff/reports/{name}/", {"major": "comp"})
        assert r.status_code == 200, name
        assert f"/institutions/{uni.pk}/staff/reports/{name}.csv?major=comp" in r.content.decode()
