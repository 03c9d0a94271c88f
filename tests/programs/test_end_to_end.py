"""A program from creation to academic credit, through the API and the pages."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from stint.accounts.models import User
from stint.applications.models import Application, Offer
from stint.applications.services import offer_accept
from stint.engagements.models import Engagement
from stint.opportunities.models import Opportunity
from stint.orgs.models import Organisation
from stint.programs.models import (
    AllocationRun,
    CreditRecord,
    Placement,
    Program,
    ProgramOpportunity,
)

pytestmark = pytest.mark.django_db


def _engagement_for(offer: Offer) -> Engagement:
    """The engagements app may already open one when an offer is accepted."""
    existing = Engagement.objects.filter(offer=offer).first()
    if existing:
        return existing
    app = offer.application
    return Engagement.objects.create(
        application=app,
        offer=offer,
        opportunity=app.opportunity,
        candidate=app.candidate,
        employer=app.opportunity.employer,
        title=app.opportunity.title,
        scope=offer.scope,
        fee_minor=offer.fee_minor,
        currency=offer.currency,
    )


def _mark(engagement: Engagement, status: str) -> None:
    """Move an engagement by the ORM, filling whatever the model records with it."""
    fields = {f.name for f in Engagement._meta.get_fields()}
    extra: dict[str, Any] = {}
    if status == "paid":
        extra = {"paid_at": timezone.now(), "released_minor": engagement.fee_minor}
    Engagement.objects.filter(pk=engagement.pk).update(
        status=status, **{k: v for k, v in extra.items() if k in fields}
    )


def test_a_program_end_to_end(
    dana: User,
    bob: User,
    carol: User,
    uni: Organisation,
    opportunities: list[Opportunity],
    students: list[User],
    api_for: Any,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    staff = api_for(dana)
    # 1. Staff create a credit-bearing program.
    r = staff.post(
        "/api/v1/programs",
        {"institution_id": uni.pk, "name": "Summer cohort", "credit_bearing": True, "credits": 3},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    program = Program.objects.get(pk=pid)

    # 2. Staff propose opportunities; each employer agrees to its own.
    entry_ids = []
    for o in opportunities:
        r = staff.post(
            f"/api/v1/programs/{pid}/opportunities",
            {"opportunity_id": o.pk, "openings": o.openings},
            content_type="application/json",
        )
        assert r.status_code == 201, r.content
        assert r.json()["status"] == "proposed"
        entry_ids.append(r.json()["id"])
    # staff cannot agree for the employer
    r = staff.post(
        f"/api/v1/programs/opportunities/{entry_ids[0]}/decision",
        {"accept": True},
        content_type="application/json",
    )
    assert r.status_code == 403
    for eid, owner in zip(entry_ids, [bob, bob, carol], strict=True):
        r = api_for(owner).post(
            f"/api/v1/programs/opportunities/{eid}/decision",
            {"accept": True},
            content_type="application/json",
        )
        assert r.status_code == 200, r.content
        assert r.json()["status"] == "accepted"
    churn, scraper, survey = entry_ids

    # 3. The cohort: affiliated students, by email.
    r = staff.post(
        f"/api/v1/programs/{pid}/cohort",
        {"emails": [s.email for s in students]},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert len(r.json()) == 4

    # 4. Open the ranking window.
    now = timezone.now()
    r = staff.post(
        f"/api/v1/programs/{pid}/window",
        {
            "ranking_opens": (now - timedelta(minutes=1)).isoformat(),
            "ranking_closes": (now + timedelta(hours=1)).isoformat(),
        },
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "ranking", r.content

    # 5. Students see each project's fit for them, then rank.
    sam, tia, uma, vic = students
    r = api_for(sam).get(f"/api/v1/programs/{pid}/choices")
    assert r.status_code == 200 and len(r.json()) == 3
    assert all("fit_score" in c and "fit_explanation" in c for c in r.json())
    page = client_for(sam).get(f"/programs/{pid}/rank/")
    assert page.status_code == 200 and b"How each project fits you" in page.content
    lists = {sam: [scraper, churn], tia: [scraper, survey], uma: [scraper, churn], vic: [survey]}
    for student, entries in lists.items():
        r = api_for(student).put(
            f"/api/v1/programs/{pid}/my-rankings",
            {"entry_ids": entries},
            content_type="application/json",
        )
        assert r.status_code == 200, r.content
        assert [x["entry_id"] for x in r.json()] == entries

    # 6. Bob ranks the scraper's applicants; Globex leaves its order to the engine's fit.
    r = api_for(bob).get(f"/api/v1/programs/opportunities/{scraper}/applicants")
    assert {a["student_id"] for a in r.json()} == {sam.pk, tia.pk, uma.pk}
    r = api_for(bob).put(
        f"/api/v1/programs/opportunities/{scraper}/rankings",
        {"choices": [{"student_id": uma.pk, "rank": 1}, {"student_id": tia.pk, "rank": 2}]},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert [a["student_id"] for a in r.json()][:2] == [uma.pk, tia.pk]
    assert client_for(bob).get(f"/programs/{pid}/employer/").status_code == 200

    # 7. Close the window and run the allocation as a background task.
    assert staff.post(f"/api/v1/programs/{pid}/window/close").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        r = staff.post(f"/api/v1/programs/{pid}/runs", {}, content_type="application/json")
    assert r.status_code == 202, r.content
    run_id = r.json()["id"]
    r = staff.get(f"/api/v1/programs/runs/{run_id}")
    body = r.json()
    assert body["status"] == "done" and body["progress"] == 100, body
    stats = body["stats"]
    assert stats["stable"] is True and stats["blocking_pairs"] == 0
    assert stats["matched"] == 4 - stats["unmatched"] == 3
    # uma has the scraper (Bob's 1st); tia and vic tie on fit for the survey, the lower id wins.
    assert stats["first_choice"] == 1
    assert [row["students"] for row in stats["by_choice"]] == [1, 2]
    assert stats["unmatched_students"] == [
        {
            "student_id": vic.pk,
            "reason": "their only choice was full with students the employer ranked above them",
        }
    ]
    assert {f["entry_id"]: f["filled"] for f in stats["fill"]} == {churn: 1, scraper: 1, survey: 1}
    program.refresh_from_db()
    assert program.status == "allocated"

    # The result page shows the share by rank, the fill and who is unplaced, and polls no more.
    page = client_for(dana).get(f"/programs/runs/{run_id}/")
    assert page.status_code == 200
    assert b"first choice" in page.content and b"Not placed" in page.content
    # (the bell in the header polls on every page; the run's progress no longer does)
    assert b'hx-trigger="every 2s"' not in page.content
    assert b"<script" not in page.content.split(b"</head>")[1]

    # 8. Publish: one offer per placed student, made through the applications rules.
    r = staff.post(f"/api/v1/programs/runs/{run_id}/publish")
    assert r.status_code == 200, r.content
    assert r.json()["offers_created"] == 3
    offers = Offer.objects.filter(application__opportunity__program_entries__program=program)
    assert offers.count() == 3 and set(offers.values_list("status", flat=True)) == {"pending"}
    apps = Application.objects.filter(pk__in=offers.values("application"))
    assert set(apps.values_list("status", flat=True)) == {"offered"}
    assert all(a.note == "Allocated through Summer cohort" for a in apps)
    assert (
        Application.objects.get(candidate=uma).opportunity_id
        == ProgramOpportunity.objects.get(pk=scraper).opportunity_id
    )
    assert (
        Application.objects.get(candidate=sam).opportunity_id
        == ProgramOpportunity.objects.get(pk=churn).opportunity_id
    )

    # Publishing twice creates nothing new.
    counts = (Application.objects.count(), Offer.objects.count(), Placement.objects.count())
    r = staff.post(f"/api/v1/programs/runs/{run_id}/publish")
    assert r.status_code == 200 and r.json()["offers_created"] == 0
    assert (Application.objects.count(), Offer.objects.count(), Placement.objects.count()) == counts

    # 9. The student learns why, with the honesty note.
    r = api_for(sam).get(f"/api/v1/programs/{pid}/my-result")
    result = r.json()
    assert result["entry_id"] == churn and result["choice"] == 2
    assert any("Price scraper" in line and "full" in line for line in result["explanation"])
    assert any("honestly" in line for line in result["explanation"])
    page = client_for(sam).get(f"/programs/{pid}/my-result/")
    assert page.status_code == 200 and b"honestly" in page.content

    # 10. Students accept their offers (the applications app's service).
    for offer in offers:
        offer_accept(actor=offer.application.candidate, offer_id=offer.pk)
    assert set(Offer.objects.filter(pk__in=offers).values_list("status", flat=True)) == {"accepted"}

    # 11. The engagements are paid: credit is recorded once, and exported.
    engagements = [_engagement_for(o) for o in Offer.objects.filter(pk__in=offers)]
    _mark(engagements[0], "paid")
    _mark(engagements[1], "in_progress")
    _mark(engagements[2], "resolved")
    r = staff.post(f"/api/v1/programs/{pid}/credits/refresh")
    assert r.status_code == 200 and r.json()["created"] == 2
    assert {c["credits"] for c in r.json()["records"]} == {3}
    r = staff.post(f"/api/v1/programs/{pid}/credits/refresh")
    assert r.json()["created"] == 0 and CreditRecord.objects.filter(program=program).count() == 2
    _mark(engagements[1], "paid")
    resp = client_for(dana).get(f"/programs/{pid}/credits.csv")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/csv")
    page_csv = b"".join(resp.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(page_csv)))
    assert rows[0][0] == "student_email" and len(rows) == 1 + 3
    # The API gives the same file when asked for CSV (issue 16 item 8), JSON otherwise.
    as_csv = staff.get(f"/api/v1/programs/{pid}/credits", HTTP_ACCEPT="text/csv")
    assert as_csv["Content-Type"].startswith("text/csv")
    assert b"".join(as_csv.streaming_content).decode() == page_csv
    assert len(staff.get(f"/api/v1/programs/{pid}/credits").json()) == 3
    assert CreditRecord.objects.filter(program=program).count() == 3
    assert client_for(dana).get(f"/programs/{pid}/credits/").status_code == 200
    assert AllocationRun.objects.filter(program=program).count() == 1


def test_pages_walk_through(
    ranking_program: dict[str, Any],
    dana: User,
    bob: User,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The staff, student and employer pages render and their forms work."""
    program = ranking_program["program"]
    sam = ranking_program["students"][0]
    entries = ranking_program["entries"]
    staff = client_for(dana)
    assert staff.get("/programs/").status_code == 200
    assert staff.get("/programs/new/").status_code == 200
    page = staff.get(f"/programs/{program.pk}/")
    assert page.status_code == 200 and b"Summer cohort" in page.content
    student = client_for(sam)
    assert student.get(f"/programs/{program.pk}/").status_code == 302
    r = student.post(
        f"/programs/{program.pk}/rank/", {"choice_1": entries[1].pk, "choice_2": entries[0].pk}
    )
    assert r.status_code == 302
    r = client_for(bob).post(
        f"/programs/entries/{entries[1].pk}/rankings/", {f"rank_{sam.pk}": "1"}
    )
    assert r.status_code == 302
    assert staff.post(f"/programs/{program.pk}/window/close/").status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        r = staff.post(f"/programs/{program.pk}/runs/", {"optimal": "student"})
    assert r.status_code == 302
    run = AllocationRun.objects.get(program=program)
    assert r["Location"] == f"/programs/runs/{run.pk}/"
    assert staff.get(f"/programs/runs/{run.pk}/progress/").status_code == 200
    r = staff.post(f"/programs/runs/{run.pk}/publish/")
    assert r.status_code == 302
    assert Placement.objects.filter(program=program, student=sam).exists()


def test_progress_fragment_polls_while_running(
    ranking_program: dict[str, Any], dana: User, client_for: Any
) -> None:
    program = ranking_program["program"]
    run = AllocationRun.objects.create(
        program=program, status="running", progress=40, created_by=dana
    )
    page = client_for(dana).get(f"/programs/runs/{run.pk}/progress/")
    assert b'hx-trigger="every 2s"' in page.content and b"40%" in page.content
