"""Report tables: CSV columns and rows, the JSON twin, filters, bad filters."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from stint.accounts.models import User
from stint.orgs.models import Organisation
from tests.institutions.conftest import consent, engage, student

pytestmark = pytest.mark.django_db


def _csv_rows(client, url: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    r = client.get(url)
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/csv")
    assert r.streaming
    return list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode())))


def test_csv_columns_and_rows(
    world: dict[str, Any], uni: Organisation, dana: User, client_for
) -> None:  # type: ignore[no-untyped-def]
    page = client_for(dana)
    rows = _csv_rows(page, f"/institutions/{uni.pk}/staff/reports/completions.csv")
    assert rows[0] == [
        "student_name", "student_email", "major", "graduation_year",
        "engagement", "employer", "status", "fee", "currency", "completed_on",
    ]  # fmt: skip
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["student_email"] == "sam@uni.example.edu"
    assert row["major"] == "Computer Science" and row["graduation_year"] == "2026"
    assert row["employer"] == "Acme" and row["status"] == "Paid"
    assert row["fee"] == "500.00" and row["currency"] == "USD"
    assert row["completed_on"] == timezone.localdate().isoformat()

    apps = _csv_rows(page, f"/institutions/{uni.pk}/staff/reports/applications.csv")
    assert apps[0][4:] == ["opportunity", "employer", "status", "applied_on"]
    assert sorted(r[4] for r in apps[1:]) == ["Project 0", "Project 1"]

    earnings = _csv_rows(page, f"/institutions/{uni.pk}/staff/reports/earnings.csv")
    assert earnings == [
        ["currency", "students", "paid_engagements", "total"],
        ["USD", "1", "1", "500.00"],
    ]

    ratings = _csv_rows(page, f"/institutions/{uni.pk}/staff/reports/ratings.csv")
    assert ratings[0][4:] == ["employer", "engagement", "average", "ratings", "visible_on"]
    assert ratings[1][6:8] == ["4.5", "communication=4; quality=5"]

    skills = _csv_rows(page, f"/institutions/{uni.pk}/staff/reports/skills.csv")
    assert skills[1][4:6] == ["Python", "3"]

    follow = _csv_rows(page, f"/institutions/{uni.pk}/staff/reports/follow_ups.csv")
    assert follow[0][4:] == ["employer", "kind", "role", "status", "offered_on", "decided_on"]
    assert follow[1][4:8] == ["Acme", "Job", "Junior analyst", "Offered"]

    students = _csv_rows(page, f"/institutions/{uni.pk}/staff/reports/students.csv")
    assert [r[1] for r in students[1:]] == ["sam@uni.example.edu"]
    assert "groups" not in students[1][4]  # declared groups never appear per student


def test_json_twin_matches_the_csv(
    world: dict[str, Any], uni: Organisation, dana: User, client_for, api_for
) -> None:  # type: ignore[no-untyped-def]
    for table in (
        "applications",
        "selections",
        "completions",
        "skills",
        "ratings",
        "follow_ups",
        "earnings",
    ):
        csv_rows = _csv_rows(client_for(dana), f"/institutions/{uni.pk}/staff/reports/{table}.csv")
        body = api_for(dana).get(f"/api/v1/institutions/{uni.pk}/reports/{table}").json()
        assert body["columns"] == csv_rows[0]
        assert len(body["rows"]) == len(csv_rows) - 1
        for got, want in zip(body["rows"], csv_rows[1:], strict=True):
            assert [("" if v is None else str(v)) for v in got.values()] == want


def test_csv_cells_cannot_become_formulas(
    world: dict[str, Any], uni: Organisation, dana: User, client_for
) -> None:  # type: ignore[no-untyped-def]
    e = world["engagement_sam"]
    e.title = '=HYPERLINK("http://evil")'
    e.save()
    rows = _csv_rows(client_for(dana), f"/institutions/{uni.pk}/staff/reports/completions.csv")
    assert rows[1][4].startswith("'=")


def test_filters_by_programme_year_and_dates(
    world: dict[str, Any], uni: Organisation, dana: User, api_for
) -> None:  # type: ignore[no-untyped-def]
    old = timezone.now() - timedelta(days=200)
    ada = student("ada@uni.example.edu", uni, major="History of Art", year=2027, name="Ada")
    consent(ada, uni)
    engage(ada, world["opps"][2], when=old)
    api = api_for(dana)

    def emails(table: str, **params: str) -> set[str]:
        r = api.get(f"/api/v1/institutions/{uni.pk}/reports/{table}", params)
        assert r.status_code == 200, r.content
        return {row["student_email"] for row in r.json()["rows"]}

    both = {"sam@uni.example.edu", "ada@uni.example.edu"}
    assert emails("completions") == both
    assert emails("completions", major="history") == {"ada@uni.example.edu"}
    assert emails("completions", major="computer") == {"sam@uni.example.edu"}
    assert emails("completions", graduation_year="2027") == {"ada@uni.example.edu"}
    assert emails("completions", major="computer", graduation_year="2027") == set()
    recent = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert emails("completions", date_from=recent) == {"sam@uni.example.edu"}
    assert emails("completions", date_to=recent) == {"ada@uni.example.edu"}
    assert emails("students", major="history") == {"ada@uni.example.edu"}
    dash = api.get(f"/api/v1/institutions/{uni.pk}/dashboard", {"major": "history"}).json()
    assert dash["completions"] == 1 and dash["students_sharing"] == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"graduation_year": "soon"}, "graduation_year"),
        ({"graduation_year": "1800"}, "graduation_year"),
        ({"date_from": "2024-13-01"}, "date_from"),
        ({"date_from": "2025-02-01", "date_to": "2025-01-01"}, "date_to"),
        ({"major": "x" * 121}, "major"),
    ],
)
def test_bad_filters_are_4xx_naming_the_field(
    params: dict[str, str],
    field: str,
    world: dict[str, Any],
    uni: Organisation,
    dana: User,
    client_for,
    api_for,
) -> None:  # type: ignore[no-untyped-def]
    r = api_for(dana).get(f"/api/v1/institutions/{uni.pk}/reports/applications", params)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == field
    r = api_for(dana).get(f"/api/v1/institutions/{uni.pk}/dashboard", params)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == field
    page = client_for(dana)
    r = page.get(f"/institutions/{uni.pk}/staff/reports/applications/", params)
    assert r.status_code == 400 and field in r.content.decode()
    r = page.get(f"/institutions/{uni.pk}/staff/", params)
    assert r.status_code == 400 and field in r.content.decode()
    r = page.get(f"/institutions/{uni.pk}/staff/reports/applications.csv", params)
    assert r.status_code == 400 and field in r.content.decode()


def test_unknown_table_is_404_page_and_422_api(
    world: dict[str, Any], uni: Organisation, dana: User, client_for, api_for
) -> None:  # type: ignore[no-untyped-def]
    assert (
        client_for(dana).get(f"/institutions/{uni.pk}/staff/reports/messages/").status_code == 404
    )
    assert (
        client_for(dana).get(f"/institutions/{uni.pk}/staff/reports/messages.csv").status_code
        == 404
    )
    r = api_for(dana).get(f"/api/v1/institutions/{uni.pk}/reports/messages")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "table"
