"""Who may see and do what: outsiders get 404 (ids never leak), page and API alike."""

from __future__ import annotations

from typing import Any

import pytest

from stint.accounts.models import User
from stint.orgs.models import Organisation
from stint.programs.models import AllocationRun, StudentRanking

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(ranking_program: dict[str, Any], dana: User) -> AllocationRun:
    return AllocationRun.objects.create(program=ranking_program["program"], created_by=dana)


def test_outsiders_get_404_on_every_page_and_endpoint(
    ranking_program: dict[str, Any],
    run: AllocationRun,
    eve: User,
    poly: Organisation,
    affiliated: Any,
    client_for: Any,
    api_for: Any,
) -> None:
    from stint.orgs.models import Membership
    from tests.personas import make_user

    pid = ranking_program["program"].pk
    eid = ranking_program["entries"][0].pk
    outside_student = affiliated("wes")  # affiliated with uni, not in the cohort
    stranger_employer = make_user("sid@initech.example", name="Sid")
    from stint.orgs.services import organisation_create

    initech = organisation_create(actor=stranger_employer, kind="employer", name="Initech")
    assert Membership.objects.filter(organisation=initech).exists()
    pages = [
        f"/programs/{pid}/",
        f"/programs/{pid}/rank/",
        f"/programs/{pid}/my-result/",
        f"/programs/{pid}/employer/",
        f"/programs/{pid}/credits/",
        f"/programs/{pid}/credits.csv",
        f"/programs/runs/{run.pk}/",
        f"/programs/runs/{run.pk}/progress/",
    ]
    api = [
        f"/api/v1/programs/{pid}",
        f"/api/v1/programs/{pid}/opportunities",
        f"/api/v1/programs/{pid}/cohort",
        f"/api/v1/programs/{pid}/choices",
        f"/api/v1/programs/{pid}/my-rankings",
        f"/api/v1/programs/{pid}/my-result",
        f"/api/v1/programs/{pid}/runs",
        f"/api/v1/programs/{pid}/credits",
        f"/api/v1/programs/runs/{run.pk}",
        f"/api/v1/programs/opportunities/{eid}/applicants",
    ]
    for who in (eve, outside_student, stranger_employer):  # eve is staff of another institution
        for url in pages:
            assert client_for(who).get(url).status_code == 404, (who, url)
        for url in api:
            assert api_for(who).get(url).status_code == 404, (who, url)
        r = api_for(who).post(f"/api/v1/programs/runs/{run.pk}/publish")
        assert r.status_code == 404
        r = api_for(who).put(
            f"/api/v1/programs/{pid}/my-rankings",
            {"entry_ids": [eid]},
            content_type="application/json",
        )
        assert r.status_code == 404
        assert api_for(who).get("/api/v1/programs").json() == []
    assert client_for(None).get(f"/programs/{pid}/").status_code == 302  # to log in
    assert api_for(None).get(f"/api/v1/programs/{pid}").status_code == 401


def test_students_and_employers_stay_in_their_lane(
    ranking_program: dict[str, Any],
    run: AllocationRun,
    bob: User,
    carol: User,
    api_for: Any,
    client_for: Any,
) -> None:
    pid = ranking_program["program"].pk
    acme_entry, _, globex_entry = ranking_program["entries"]
    sam, tia = ranking_program["students"][:2]
    StudentRanking.objects.create(program_id=pid, student=tia, entry=acme_entry, rank=1)
    # A student sees only their own ranking; runs, cohort and applicants are not theirs.
    assert api_for(sam).get(f"/api/v1/programs/{pid}/my-rankings").json() == []
    assert (
        api_for(sam).get(f"/api/v1/programs/opportunities/{acme_entry.pk}/applicants").status_code
        == 404
    )
    assert api_for(sam).get(f"/api/v1/programs/runs/{run.pk}").status_code == 404
    assert client_for(sam).get(f"/programs/runs/{run.pk}/").status_code == 404
    assert api_for(sam).get(f"/api/v1/programs/{pid}/cohort").status_code == 403
    assert (
        api_for(sam)
        .post(f"/api/v1/programs/{pid}/runs", {}, content_type="application/json")
        .status_code
        == 403
    )
    # An employer sees its own opportunities' applicants, not another employer's.
    assert (
        api_for(bob).get(f"/api/v1/programs/opportunities/{acme_entry.pk}/applicants").status_code
        == 200
    )
    assert (
        api_for(bob).get(f"/api/v1/programs/opportunities/{globex_entry.pk}/applicants").status_code
        == 404
    )
    r = api_for(carol).put(
        f"/api/v1/programs/opportunities/{acme_entry.pk}/rankings",
        {"choices": []},
        content_type="application/json",
    )
    assert r.status_code == 404
    listed = {e["id"] for e in api_for(bob).get(f"/api/v1/programs/{pid}/opportunities").json()}
    assert globex_entry.pk not in listed and acme_entry.pk in listed
    assert api_for(bob).get(f"/api/v1/programs/{pid}/cohort").status_code == 403
    assert client_for(bob).get(f"/programs/{pid}/credits/").status_code == 403
    assert api_for(bob).post(f"/api/v1/programs/{pid}/window/close").status_code == 403
