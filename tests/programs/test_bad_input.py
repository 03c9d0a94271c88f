"""Bad input: a 4xx that names the field, and nothing changed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from stint.accounts.models import User
from stint.programs.models import (
    CohortMember,
    EmployerRanking,
    Program,
    ProgramOpportunity,
    StudentRanking,
)
from tests.personas import make_user

pytestmark = pytest.mark.django_db


def _fields(r: Any) -> list[str | None]:
    return [e["field"] for e in r.json()["errors"]]


def test_ranking_a_project_twice_is_refused(
    ranking_program: dict[str, Any], api_for: Any, client_for: Any
) -> None:
    pid = ranking_program["program"].pk
    sam = ranking_program["students"][0]
    e0, e1, _ = ranking_program["entries"]
    r = api_for(sam).put(
        f"/api/v1/programs/{pid}/my-rankings",
        {"entry_ids": [e0.pk, e1.pk]},
        content_type="application/json",
    )
    assert r.status_code == 200
    r = api_for(sam).put(
        f"/api/v1/programs/{pid}/my-rankings",
        {"entry_ids": [e1.pk, e1.pk]},
        content_type="application/json",
    )
    assert r.status_code == 422 and _fields(r) == ["entry_ids.1"]
    assert list(StudentRanking.objects.filter(student=sam).values_list("entry_id", flat=True)) == [
        e0.pk,
        e1.pk,
    ]
    page = client_for(sam).post(f"/programs/{pid}/rank/", {"choice_1": e1.pk, "choice_2": e1.pk})
    assert page.status_code == 422 and b"twice" in page.content
    r = api_for(sam).put(
        f"/api/v1/programs/{pid}/my-rankings",
        {"entry_ids": [999999]},
        content_type="application/json",
    )
    assert r.status_code == 422 and _fields(r) == ["entry_ids.0"]


def test_ranking_outside_the_window_is_refused(
    ranking_program: dict[str, Any], api_for: Any
) -> None:
    program: Program = ranking_program["program"]
    sam = ranking_program["students"][0]
    e0 = ranking_program["entries"][0]
    Program.objects.filter(pk=program.pk).update(
        ranking_opens=timezone.now() - timedelta(days=2),
        ranking_closes=timezone.now() - timedelta(days=1),
    )
    r = api_for(sam).put(
        f"/api/v1/programs/{program.pk}/my-rankings",
        {"entry_ids": [e0.pk]},
        content_type="application/json",
    )
    assert r.status_code == 409 and _fields(r) == ["entry_ids"]
    assert "closed" in r.json()["detail"]
    assert not StudentRanking.objects.exists()


def test_a_non_affiliated_student_cannot_join_the_cohort(
    program: Program, dana: User, students: list[User], api_for: Any, client_for: Any
) -> None:
    outsider = make_user("zed@elsewhere.example", candidate=True)
    r = api_for(dana).post(
        f"/api/v1/programs/{program.pk}/cohort",
        {"emails": [students[0].email, outsider.email]},
        content_type="application/json",
    )
    assert r.status_code == 422 and _fields(r) == ["emails"]
    assert "zed@elsewhere.example" in r.json()["detail"]
    r = api_for(dana).post(
        f"/api/v1/programs/{program.pk}/cohort",
        {"student_ids": [outsider.pk]},
        content_type="application/json",
    )
    assert r.status_code == 422 and _fields(r) == ["student_ids"]
    page = client_for(dana).post(f"/programs/{program.pk}/cohort/", {"emails": outsider.email})
    assert page.status_code == 422 and b"not an affiliated student" in page.content
    assert not CohortMember.objects.exists()


def test_other_refusals_name_their_field(
    ranking_program: dict[str, Any], dana: User, bob: User, opportunities: Any, api_for: Any
) -> None:
    program = ranking_program["program"]
    e0 = ranking_program["entries"][0]
    sam, tia = ranking_program["students"][:2]
    # An employer can rank only students who ranked the opportunity, each rank once.
    StudentRanking.objects.create(program=program, student=sam, entry=e0, rank=1)
    StudentRanking.objects.create(program=program, student=tia, entry=e0, rank=1)
    r = api_for(bob).put(
        f"/api/v1/programs/opportunities/{e0.pk}/rankings",
        {"choices": [{"student_id": sam.pk, "rank": 1}, {"student_id": tia.pk, "rank": 1}]},
        content_type="application/json",
    )
    assert r.status_code == 422 and _fields(r) == ["choices.1.rank"]
    assert not EmployerRanking.objects.exists()
    # Openings beyond what the opportunity has left.
    program.entries.all().delete()
    r = api_for(dana).post(
        f"/api/v1/programs/{program.pk}/opportunities",
        {"opportunity_id": opportunities[1].pk, "openings": 5},
        content_type="application/json",
    )
    assert r.status_code == 422 and _fields(r) == ["openings"]
    assert not ProgramOpportunity.objects.exists()
    # A window that closes before it opens.
    now = timezone.now()
    r = api_for(dana).post(
        f"/api/v1/programs/{program.pk}/window",
        {
            "ranking_opens": now.isoformat(),
            "ranking_closes": (now - timedelta(hours=1)).isoformat(),
        },
        content_type="application/json",
    )
    assert r.status_code == 422 and _fields(r) == ["ranking_closes"]
    # Running before the window closes.
    r = api_for(dana).post(
        f"/api/v1/programs/{program.pk}/runs", {}, content_type="application/json"
    )
    assert r.status_code == 409 and program.runs.count() == 0
    # Pydantic: a bad optimal names the field.
    r = api_for(dana).post(
        f"/api/v1/programs/{program.pk}/runs",
        {"optimal": "random"},
        content_type="application/json",
    )
    assert r.status_code == 422 and _fields(r) == ["optimal"]
