"""Roster import: a CSV of students (email, name, programme, graduation year), a
preview with per-row errors, nothing saved until confirmed; page and API over one
service; another institution's staff get 404."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from stint.accounts.models import User
from stint.institutions.models import RosterEntry
from stint.institutions.roster import (
    MAX_BYTES,
    MAX_ROWS,
    RosterFileError,
    decode_upload,
    parse_roster,
)
from stint.orgs.models import Affiliation, Organisation
from stint.orgs.services import organisation_create
from stint.programs import services as program_services
from stint.programs.models import CohortMember, Program
from tests.personas import make_user

JSON = "application/json"
YEAR = 2026
GOOD = (
    "email,name,programme,graduation_year\n"
    "Sam@Uni.example.edu,Sam Student,BSc Computer Science,2027\n"
    "tia@uni.example.edu,Tia Student,MSc Data Science,\n"
    "\n"
    "new@uni.example.edu,New Person,BA History,2028\n"
)
BAD = (
    "email,name,programme,graduation_year\n"
    "sam@uni.example.edu,Sam Student,BSc,2027\n"
    "not-an-email,Nobody,BSc,2027\n"
    "sam@uni.example.edu,Sam Again,BSc,2027\n"
    "ok@uni.example.edu,,BSc,20x7\n"
)


# --- Parsing, without a database --------------------------------------------------------------


def test_parse_good_file_with_bom_semicolons_and_header_aliases() -> None:
    text = decode_upload(
        "\ufeffE-mail;Full name;Program;Graduation year;Student id\n"
        "a@uni.example.edu;Ann  Lee;BSc;2027;17\n".encode()
    )
    parsed = parse_roster(text, this_year=YEAR)
    assert parsed.ok and parsed.ignored_columns == ["Student id"]
    (row,) = parsed.rows
    assert (row.row, row.email, row.name, row.programme, row.graduation_year) == (
        2,
        "a@uni.example.edu",
        "Ann Lee",
        "BSc",
        2027,
    )


def test_parse_names_row_and_column_of_every_error() -> None:
    parsed = parse_roster(BAD, this_year=YEAR)
    assert not parsed.ok
    found = {(e.row, e.column) for e in parsed.errors}
    assert found == {(3, "email"), (4, "email"), (5, "name"), (5, "graduation_year")}
    duplicate = next(e for e in parsed.errors if e.row == 4)
    assert "row 2" in duplicate.message
    assert str(parsed.errors[0]).startswith("Row 3, column email:")


def test_parse_refuses_bad_headers_years_and_files() -> None:
    missing = parse_roster("mail,name\nx@y.edu,X\n", this_year=YEAR)
    assert [(e.row, e.column) for e in missing.errors] == [(1, "email")]
    far = parse_roster("email,name,graduation_year\na@b.edu,A,1990\n", this_year=YEAR)
    assert [e.column for e in far.errors] == ["graduation_year"]
    empty = parse_roster("email,name\n\n", this_year=YEAR)
    assert not empty.ok and empty.errors[0].row == 2
    with pytest.raises(RosterFileError):
        parse_roster("", this_year=YEAR)
    with pytest.raises(RosterFileError, match="UTF-8"):
        decode_upload("email,name\nä@b.edu,Ä\n".encode("latin-1"))
    control = parse_roster("email,name\na@b.edu,A\x07B\n", this_year=YEAR)
    assert [(e.row, e.column) for e in control.errors] == [(2, "name")]
    many = "email,name\n" + "".join(f"s{i}@uni.edu,S {i}\n" for i in range(MAX_ROWS + 1))
    too_many = parse_roster(many, this_year=YEAR)
    assert len(too_many.rows) == MAX_ROWS and not too_many.ok
    assert too_many.errors[-1].row == MAX_ROWS + 2 and "split it" in too_many.errors[-1].message
    with pytest.raises(RosterFileError, match="larger than"):
        decode_upload(b"x" * (MAX_BYTES + 1))


# --- Fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def poly(eve: User) -> Organisation:
    """Another institution; eve is its staff."""
    return organisation_create(actor=eve, kind="institution", name="Poly of Elsewhere")


@pytest.fixture
def sam(uni: Organisation) -> User:
    """A student whose account is linked to Uni (verified university address)."""
    user = make_user("sam@uni.example.edu", candidate=True, name="Sam")
    Affiliation.objects.create(user=user, institution=uni, email=user.email)
    return user


@pytest.fixture
def program(dana: User, uni: Organisation) -> Program:
    return program_services.program_create(actor=dana, institution_id=uni.pk, name="Summer cohort")


def upload(client: Client, inst: Organisation, text: str, program: Program | None = None) -> Any:
    return client.post(
        f"/institutions/{inst.pk}/staff/roster/",
        {
            "action": "preview",
            "program": program.pk if program else "",
            "csv": SimpleUploadedFile("roster.csv", text.encode(), content_type="text/csv"),
        },
    )


# --- Page ---------------------------------------------------------------------------------------


def test_page_preview_saves_nothing_then_confirm_imports(
    dana: User, uni: Organisation, sam: User, client_for: Callable[[User], Client]
) -> None:
    staff = client_for(dana)
    assert (
        f'href="/institutions/{uni.pk}/staff/roster/"'
        in staff.get(f"/institutions/{uni.pk}/staff/").content.decode()
    )
    preview = upload(staff, uni, GOOD)
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "3 students: 3 new" in body and "linked account" in body and "no account yet" in body
    assert RosterEntry.objects.count() == 0  # nothing saved by the preview
    # The confirm form carries the previewed file back, as a browser would send it.
    carried = re.search(r'<input type="hidden" name="csv" value="([^"]*)"', body)
    assert carried is not None
    csv_back = html.unescape(carried.group(1)).replace("\n", "\r\n")
    done = staff.post(
        f"/institutions/{uni.pk}/staff/roster/",
        {"action": "confirm", "program": "", "csv": csv_back},
    )
    assert done.status_code == 302
    assert sorted(RosterEntry.objects.values_list("email", flat=True)) == [
        "new@uni.example.edu",
        "sam@uni.example.edu",
        "tia@uni.example.edu",
    ]
    tia = RosterEntry.objects.get(email="tia@uni.example.edu")
    assert tia.program is None and tia.graduation_year is None and tia.imported_by == dana
    listing = staff.get(done["Location"]).content.decode()
    assert "Roster imported: 3 added, 0 updated." in listing and "Tia Student" in listing

    # Importing again with one change updates that student and leaves the rest.
    again = upload(staff, uni, GOOD.replace("BA History", "BA Modern History"))
    assert "1 to update, 2 unchanged" in again.content.decode()
    staff.post(
        f"/institutions/{uni.pk}/staff/roster/",
        {"action": "confirm", "program": "", "csv": again.context["confirm"].initial["csv"]},
    )
    assert RosterEntry.objects.count() == 3
    assert RosterEntry.objects.get(email="new@uni.example.edu").programme == "BA Modern History"


def test_page_preview_with_errors_is_422_names_rows_and_saves_nothing(
    dana: User, uni: Organisation, client_for: Callable[[User], Client]
) -> None:
    staff = client_for(dana)
    answer = upload(staff, uni, BAD)
    assert answer.status_code == 422
    body = answer.content.decode()
    assert "Row 3, column email:" in body and "Row 5, column graduation_year:" in body
    assert answer.context["confirm"] is None and 'value="confirm"' not in body
    # A tampered confirm is checked again by the service: refused, nothing saved.
    tampered = staff.post(
        f"/institutions/{uni.pk}/staff/roster/", {"action": "confirm", "program": "", "csv": BAD}
    )
    assert tampered.status_code == 422 and "Nothing was saved" in tampered.content.decode()
    latin = staff.post(
        f"/institutions/{uni.pk}/staff/roster/",
        {
            "action": "preview",
            "csv": SimpleUploadedFile("r.csv", "email,name\nä@b.edu,Ä\n".encode("latin-1")),
        },
    )
    assert latin.status_code == 422 and "csv" in latin.context["upload"].errors
    assert RosterEntry.objects.count() == 0


def test_program_roster_adds_linked_students_to_the_cohort(
    dana: User,
    uni: Organisation,
    sam: User,
    program: Program,
    client_for: Callable[[User], Client],
) -> None:
    staff = client_for(dana)
    preview = upload(staff, uni, GOOD, program)
    assert preview.status_code == 200
    done = staff.post(
        f"/institutions/{uni.pk}/staff/roster/",
        {
            "action": "confirm",
            "program": program.pk,
            "csv": preview.context["confirm"].initial["csv"],
        },
    )
    assert done["Location"] == f"/institutions/{uni.pk}/staff/roster/?program={program.pk}"
    assert RosterEntry.objects.filter(program=program).count() == 3
    assert list(
        CohortMember.objects.filter(program=program).values_list("student_id", flat=True)
    ) == [sam.pk]
    page = staff.get(done["Location"]).content.decode()
    assert "1 joined the cohort" in page and "2 students have no Stint account linked" in page


# --- API ------------------------------------------------------------------------------------------


def test_api_preview_then_import(
    dana: User, uni: Organisation, sam: User, program: Program, api_for: Callable[[User], Client]
) -> None:
    api = api_for(dana)
    base = f"/api/v1/institutions/{uni.pk}/roster"
    preview = api.post(
        f"{base}/preview", {"csv": GOOD, "program_id": program.pk}, content_type=JSON
    )
    assert preview.status_code == 200
    data = preview.json()
    assert data["ok"] is True and data["new"] == 3 and data["errors"] == []
    assert [r["row"] for r in data["rows"]] == [2, 3, 5]
    assert data["rows"][0]["linked"] is True and data["rows"][2]["has_account"] is False
    assert RosterEntry.objects.count() == 0
    done = api.post(base, {"csv": GOOD, "program_id": program.pk}, content_type=JSON)
    assert done.status_code == 201
    assert done.json()["created"] == 3 and done.json()["cohort_added"] == 1
    listed = api.get(f"{base}?program_id={program.pk}").json()
    assert [e["email"] for e in listed] == [
        "new@uni.example.edu",
        "sam@uni.example.edu",
        "tia@uni.example.edu",
    ]
    assert api.get(base).json() == []  # the institution-wide roster is a separate list


def test_api_errors_name_row_and_column_and_nothing_is_saved(
    dana: User, uni: Organisation, api_for: Callable[[User], Client]
) -> None:
    api = api_for(dana)
    base = f"/api/v1/institutions/{uni.pk}/roster"
    preview = api.post(f"{base}/preview", {"csv": BAD}, content_type=JSON).json()
    assert preview["ok"] is False
    assert {(e["row"], e["column"]) for e in preview["errors"]} == {
        (3, "email"),
        (4, "email"),
        (5, "name"),
        (5, "graduation_year"),
    }
    refused = api.post(base, {"csv": BAD}, content_type=JSON)
    assert refused.status_code == 422
    body = refused.json()
    assert body["detail"].startswith("Row 3, column email:")
    assert [e["field"] for e in body["errors"]] == [
        "rows.3.email",
        "rows.4.email",
        "rows.5.name",
        "rows.5.graduation_year",
    ]
    empty = api.post(base, {"csv": ""}, content_type=JSON)
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "csv"
    missing = api.post(base, {}, content_type=JSON)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "csv"
    assert RosterEntry.objects.count() == 0


# --- Who may -------------------------------------------------------------------------------------


def test_other_institutions_staff_students_and_employers_get_404(
    dana: User,
    uni: Organisation,
    eve: User,
    poly: Organisation,
    sam: User,
    bob: User,
    acme: Organisation,
    program: Program,
    client_for: Callable[[User], Client],
    api_for: Callable[[User], Client],
) -> None:
    page = f"/institutions/{uni.pk}/staff/roster/"
    api = f"/api/v1/institutions/{uni.pk}/roster"
    for outsider in (eve, sam, bob):
        assert client_for(outsider).get(page).status_code == 404
        assert upload(client_for(outsider), uni, GOOD).status_code == 404
        assert api_for(outsider).get(api).status_code == 404
        assert (
            api_for(outsider).post(f"{api}/preview", {"csv": GOOD}, content_type=JSON).status_code
            == 404
        )
        assert api_for(outsider).post(api, {"csv": GOOD}, content_type=JSON).status_code == 404
    # Eve's own institution with Uni's program: the program is not hers to see.
    mine = f"/api/v1/institutions/{poly.pk}/roster"
    assert (
        api_for(eve)
        .post(mine, {"csv": GOOD, "program_id": program.pk}, content_type=JSON)
        .status_code
        == 404
    )
    assert (
        client_for(eve)
        .get(f"/institutions/{poly.pk}/staff/roster/?program={program.pk}")
        .status_code
        == 404
    )
    assert RosterEntry.objects.count() == 0
    assert client_for(eve).get(f"/institutions/{poly.pk}/staff/roster/").status_code == 200
