"""The permission matrix: staff of one institution see nothing of another's
students (page, API, CSV); non-staff get 404; staff never see messages or
unconsented detail."""

from __future__ import annotations

from typing import Any

import pytest

from stint.accounts.models import User
from stint.institutions.selectors import TABLE_NAMES
from stint.orgs.models import Organisation
from tests.institutions.conftest import (
    SECRET_FOLLOW_UP,
    SECRET_MESSAGE,
    SECRET_NOTE,
    SECRET_REVIEW,
)

pytestmark = pytest.mark.django_db


def staff_pages(inst: Organisation) -> list[str]:
    return [
        f"/institutions/{inst.pk}/staff/",
        f"/institutions/{inst.pk}/staff/groups/",
        *[f"/institutions/{inst.pk}/staff/reports/{t}/" for t in TABLE_NAMES],
        *[f"/institutions/{inst.pk}/staff/reports/{t}.csv" for t in TABLE_NAMES],
    ]


def staff_api(inst: Organisation) -> list[str]:
    return [
        f"/api/v1/institutions/{inst.pk}/dashboard",
        *[f"/api/v1/institutions/{inst.pk}/reports/{t}" for t in TABLE_NAMES],
    ]


def test_staff_see_their_own_reports(
    world: dict[str, Any], dana: User, uni, client_for, api_for
) -> None:  # type: ignore[no-untyped-def]
    page, api = client_for(dana), api_for(dana)
    for url in staff_pages(uni):
        assert page.get(url).status_code == 200, url
    for url in staff_api(uni):
        assert api.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["eve", "alice", "bob", "root", "sam", "olga"])
def test_everyone_else_gets_404_on_staff_pages_api_and_csv(
    who: str, world: dict[str, Any], uni: Organisation, request, client_for, api_for
) -> None:  # type: ignore[no-untyped-def]
    user = world[who] if who in world else request.getfixturevalue(who)
    page, api = client_for(user), api_for(user)
    for url in staff_pages(uni):
        assert page.get(url).status_code == 404, (who, url)
    for url in staff_api(uni):
        assert api.get(url).status_code == 404, (who, url)
    # Staff writes are refused the same way.
    assert (
        page.post(
            f"/institutions/{uni.pk}/staff/groups/", {"category": "A", "label": "B"}
        ).status_code
        == 404
    )
    assert (
        api.post(
            f"/api/v1/institutions/{uni.pk}/groups",
            {"category": "A", "label": "B"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert (
        api.post(
            f"/api/v1/institutions/{uni.pk}/endorsements",
            {"opportunity_id": world["opps"][0].pk},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_anonymous_is_sent_to_log_in_or_401(uni: Organisation, client_for, api_for) -> None:  # type: ignore[no-untyped-def]
    assert client_for(None).get(f"/institutions/{uni.pk}/staff/").status_code == 302
    assert (
        client_for(None).get(f"/institutions/{uni.pk}/staff/reports/students.csv").status_code
        == 302
    )
    assert api_for(None).get(f"/api/v1/institutions/{uni.pk}/dashboard").status_code == 401


def test_other_institutions_staff_see_none_of_our_students(
    world: dict[str, Any], olga: User, poly: Organisation, client_for, api_for
) -> None:  # type: ignore[no-untyped-def]
    """Olga's own reports list Paul (hers, consenting) and never Sam or Tom."""
    page, api = client_for(olga), api_for(olga)
    for table in ("students", "applications", "completions", "skills", "ratings", "follow_ups"):
        rows = api.get(f"/api/v1/institutions/{poly.pk}/reports/{table}").json()["rows"]
        emails = {r["student_email"] for r in rows}
        assert emails == {"paul@poly.example.edu"}, table
        csv_body = b"".join(
            page.get(f"/institutions/{poly.pk}/staff/reports/{table}.csv").streaming_content
        ).decode()
        assert "sam@uni" not in csv_body and "tom@uni" not in csv_body
        assert "paul@poly" in csv_body
        # The API answers the same file when asked for CSV (issue 16 item 8).
        as_csv = api.get(f"/api/v1/institutions/{poly.pk}/reports/{table}", HTTP_ACCEPT="text/csv")
        assert as_csv["Content-Type"].startswith("text/csv")
        assert b"".join(as_csv.streaming_content).decode() == csv_body
        html = page.get(f"/institutions/{poly.pk}/staff/reports/{table}/").content.decode()
        assert "sam@uni" not in html and "paul@poly" in html


def test_staff_only_see_consenting_students(
    world: dict[str, Any], dana: User, uni, api_for
) -> None:  # type: ignore[no-untyped-def]
    api = api_for(dana)
    for table in (
        "students",
        "applications",
        "selections",
        "completions",
        "skills",
        "ratings",
        "follow_ups",
    ):
        rows = api.get(f"/api/v1/institutions/{uni.pk}/reports/{table}").json()["rows"]
        assert {r["student_email"] for r in rows} == {"sam@uni.example.edu"}, table


def test_staff_never_see_messages_notes_review_text_or_follow_up_messages(
    world: dict[str, Any], dana: User, uni, client_for, api_for
) -> None:  # type: ignore[no-untyped-def]
    page, api = client_for(dana), api_for(dana)
    bodies = []
    for url in [
        *staff_pages(uni),
        f"/institutions/{uni.pk}/",
        f"/institutions/{uni.pk}/opportunities/",
    ]:
        r = page.get(url)
        bodies.append(b"".join(r.streaming_content) if r.streaming else r.content)
    for url in staff_api(uni):
        bodies.append(api.get(url).content)
    everything = b"\n".join(bodies).decode()
    assert "sam@uni.example.edu" in everything  # the data is there…
    for secret in (SECRET_MESSAGE, SECRET_NOTE, SECRET_REVIEW, SECRET_FOLLOW_UP):
        assert secret not in everything  # …and none of the private text


def test_only_the_student_reads_or_changes_their_consent(
    world: dict[str, Any], uni: Organisation, dana: User, eve: User, api_for, client_for
) -> None:  # type: ignore[no-untyped-def]
    paul = world["paul"]
    for user in (dana, eve, paul):  # staff, outsider, another institution's student
        api = api_for(user)
        assert api.get(f"/api/v1/institutions/{uni.pk}/consent").status_code == 404
        assert (
            api.patch(
                f"/api/v1/institutions/{uni.pk}/consent",
                {"applications": True},
                content_type="application/json",
            ).status_code
            == 404
        )
        assert (
            api.put(
                f"/api/v1/institutions/{uni.pk}/declaration",
                {"group_ids": []},
                content_type="application/json",
            ).status_code
            == 404
        )
        assert (
            client_for(user)
            .post(f"/institutions/{uni.pk}/consent/", {"applications": "on"})
            .status_code
            == 404
        )
    for user in (eve, paul):
        assert client_for(user).get(f"/institutions/{uni.pk}/").status_code == 404
        assert client_for(user).get(f"/institutions/{uni.pk}/opportunities/").status_code == 404
        assert api_for(user).get(f"/api/v1/institutions/{uni.pk}/opportunities").status_code == 404
    # Tom never consented: he is not listed anywhere, and nothing of his is in the reports.
    assert world["tom"].institution_consents.count() == 0


def test_employer_ids_are_not_institutions(
    world: dict[str, Any], acme, bob: User, client_for, api_for
) -> None:  # type: ignore[no-untyped-def]
    """Bob owns Acme, an employer: it has no career-services pages."""
    assert client_for(bob).get(f"/institutions/{acme.pk}/staff/").status_code == 404
    assert api_for(bob).get(f"/api/v1/institutions/{acme.pk}/dashboard").status_code == 404
