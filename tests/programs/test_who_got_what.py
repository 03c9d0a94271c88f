"""Issue 14 item 14: the run page names who got which project (page and API), and
one bad address no longer refuses a whole "Add students" batch."""

from __future__ import annotations

from typing import Any

import pytest

from stint.accounts.models import User
from stint.programs import services
from stint.programs.models import AllocationRun, CohortMember, Program
from tests.personas import make_user

pytestmark = pytest.mark.django_db


def _run(dana: User, program_id: int, capture: Any) -> AllocationRun:
    with capture(execute=True):
        run = services.allocation_run_start(actor=dana, program_id=program_id)
    run.refresh_from_db()
    assert run.status == "done", run.error
    return run


def test_run_page_and_api_name_each_placed_student(
    ranking_program: dict[str, Any],
    dana: User,
    bob: User,
    client_for: Any,
    api_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    program = ranking_program["program"]
    churn, scraper, _survey = ranking_program["entries"]
    sam, tia, _uma, _vic = ranking_program["students"]
    services.student_rankings_set(actor=sam, program_id=program.pk, entry_ids=[scraper.pk])
    services.student_rankings_set(
        actor=tia, program_id=program.pk, entry_ids=[scraper.pk, churn.pk]
    )
    services.employer_rankings_set(
        actor=bob, entry_id=scraper.pk, choices=[services.EmployerChoice(student_id=tia.pk, rank=1)]
    )
    services.program_window_close(actor=dana, program_id=program.pk)
    run = _run(dana, program.pk, django_capture_on_commit_callbacks)

    html = client_for(dana).get(f"/programs/runs/{run.pk}/").content.decode()
    assert "Who got which project" in html
    row = html[html.index("Price scraper") :]
    assert tia.display_name in row[: row.index("</tr>")]
    assert "1st choice" in row[: row.index("</tr>")]

    body = api_for(dana).get(f"/api/v1/programs/runs/{run.pk}/placements").json()
    assert {(p["student_id"], p["entry_id"], p["choice"]) for p in body} == {
        (tia.pk, scraper.pk, 1)
    }
    assert body[0]["title"] == "Price scraper" and body[0]["email"] == tia.email
    # Only the program's staff see it.
    assert api_for(bob).get(f"/api/v1/programs/runs/{run.pk}/placements").status_code == 404
    assert client_for(sam).get(f"/programs/runs/{run.pk}/").status_code == 404


def test_one_bad_address_does_not_refuse_the_batch_page(
    program: Program, dana: User, students: list[User], client_for: Any
) -> None:
    outsider = make_user("zed@elsewhere.example", candidate=True)
    emails = (
        f"{students[0].email}\nnot-a-student@uni.example.edu, {outsider.email}\n{students[1].email}"
    )
    r = client_for(dana).post(f"/programs/{program.pk}/cohort/", {"emails": emails}, follow=True)
    html = r.content.decode()
    assert "2 student(s) added." in html
    assert "2 could not be added" in html
    assert "zed@elsewhere.example: not an affiliated student" in html
    assert "not-a-student@uni.example.edu" in html
    assert set(CohortMember.objects.values_list("student_id", flat=True)) == {
        students[0].pk,
        students[1].pk,
    }


def test_only_bad_addresses_are_shown_on_the_form(
    program: Program, dana: User, client_for: Any
) -> None:
    r = client_for(dana).post(
        f"/programs/{program.pk}/cohort/", {"emails": "a@x.example\nb@x.example"}
    )
    assert r.status_code == 422
    assert b"a@x.example: not an affiliated" in r.content
    assert b"b@x.example: not an affiliated" in r.content
    assert not CohortMember.objects.exists()


def test_batch_api_twin(program: Program, dana: User, students: list[User], api_for: Any) -> None:
    services.cohort_add(actor=dana, program_id=program.pk, student_ids=[students[2].pk])
    r = api_for(dana).post(
        f"/api/v1/programs/{program.pk}/cohort/batch",
        {"emails": [students[0].email, "zed@elsewhere.example"], "student_ids": [students[2].pk]},
        content_type="application/json",
    )
    assert r.status_code == 200, r.json()
    body = r.json()
    assert [m["student_id"] for m in body["added"]] == [students[0].pk]
    assert body["already_in"] == 1
    assert [x["value"] for x in body["refused"]] == ["zed@elsewhere.example"]
