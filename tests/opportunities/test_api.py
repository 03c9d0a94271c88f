from __future__ import annotations

from typing import Any

import pytest

from stint.accounts.models import User
from stint.applications.models import Application
from stint.opportunities.models import HiddenOpportunity, Opportunity, SavedSearch
from stint.orgs.models import Organisation
from tests.opportunities.conftest import PYTHON, SQL, SUMMARY, future

pytestmark = pytest.mark.django_db
JSON = "application/json"


def payload(org: Organisation, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "organisation_id": org.pk,
        "title": "Build a churn dashboard for our shop",
        "summary": SUMMARY,
        "deliverables": "- A cleaned CSV\n- A dashboard",
        "estimated_hours": 10,
        "fee_minor": 45000,
        "currency": "EUR",
        "start_date": future(7).isoformat(),
        "due_date": future(20).isoformat(),
        "skills": [{"skill_id": SQL, "need": "essential", "level": 2}],
        "questions": [{"text": "Which tools do you use?"}],
    }
    data.update(changes)
    return data


def test_employer_creates_patches_and_publishes(bob: User, acme: Organisation, api_for) -> None:  # type: ignore[no-untyped-def]
    api = api_for(bob)
    r = api.post("/api/v1/opportunities", payload(acme), content_type=JSON)
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["status"] == "draft" and body["can_manage"] is True
    assert body["hourly_rate_minor"] == 4500 and body["transitions"] == ["published"]
    assert body["clarity"]["score"] == body["clarity_score"]
    assert {c["name"] for c in body["clarity"]["checks"]} >= {"deliverables_listed", "due_date"}
    oid = body["id"]
    assert r["Location"] == f"/api/v1/opportunities/{oid}"  # the new object's own URL
    r = api.patch(f"/api/v1/opportunities/{oid}", {"openings": 2}, content_type=JSON)
    assert r.status_code == 200 and r.json()["openings"] == 2
    assert r.json()["skills"][0]["skill_id"] == SQL  # untouched fields stay
    r = api.post(f"/api/v1/opportunities/{oid}/status", {"status": "published"}, content_type=JSON)
    assert r.status_code == 200 and r.json()["status"] == "published"
    r = api.post(f"/api/v1/opportunities/{oid}/status", {"status": "archived"}, content_type=JSON)
    assert r.status_code == 409 and r.json()["code"] == "bad_transition"
    listing = api.get(f"/api/v1/orgs/{acme.pk}/opportunities").json()
    assert [(p["id"], p["status"], p["application_count"]) for p in listing] == [
        (oid, "published", 0)
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"estimated_hours": 4}, "estimated_hours"),
        ({"estimated_hours": 41}, "estimated_hours"),
        ({"fee_minor": 19999}, "fee_minor"),
        ({"start_date": future(7).isoformat(), "due_date": future(6).isoformat()}, "due_date"),
        ({"skills": [{"skill_id": "no-such-skill"}]}, "skills"),
        ({"currency": "XYZ"}, "currency"),
        ({"skills": [{"skill_id": SQL, "level": 9}]}, "skills.0.level"),
        ({"time_zone": "Nowhere/Land"}, "time_zone"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_saves_nothing(
    bob: User, acme: Organisation, api_for, changes: dict, field: str
) -> None:  # type: ignore[no-untyped-def]
    r = api_for(bob).post("/api/v1/opportunities", payload(acme, **changes), content_type=JSON)
    assert r.status_code == 422
    assert field in [e["field"] for e in r.json()["errors"]]
    assert Opportunity.objects.count() == 0


def test_fee_message_names_the_minimum_in_the_currency(
    bob: User, acme: Organisation, api_for
) -> None:  # type: ignore[no-untyped-def]
    r = api_for(bob).post(
        "/api/v1/opportunities", payload(acme, fee_minor=100, currency="GBP"), content_type=JSON
    )
    assert r.status_code == 422 and "20.00 GBP per hour" in r.json()["detail"]


def test_other_employers_get_404_and_change_nothing(
    carol: User, globex: Organisation, make_opportunity, api_for
) -> None:  # type: ignore[no-untyped-def]
    draft = make_opportunity(publish=False)
    live = make_opportunity()
    api = api_for(carol)
    assert api.get(f"/api/v1/opportunities/{draft.pk}").status_code == 404
    assert api.get(f"/api/v1/orgs/{draft.employer_id}/opportunities").status_code == 404
    attempts = [
        api.patch(f"/api/v1/opportunities/{draft.pk}", {"title": "Hacked it"}, content_type=JSON),
        api.patch(f"/api/v1/opportunities/{live.pk}", {"title": "Hacked it"}, content_type=JSON),
        api.post(
            f"/api/v1/opportunities/{draft.pk}/status", {"status": "published"}, content_type=JSON
        ),
        api.post(
            f"/api/v1/opportunities/{live.pk}/status", {"status": "closed"}, content_type=JSON
        ),
        api.post("/api/v1/opportunities", payload(draft.employer), content_type=JSON),
    ]
    assert [r.status_code for r in attempts] == [404] * 5
    seen = api.get(f"/api/v1/opportunities/{live.pk}").json()
    assert seen["can_manage"] is False and seen["clarity"] is None and seen["transitions"] == []
    assert [o.status for o in Opportunity.objects.order_by("pk")] == ["draft", "published"]
    assert not Opportunity.objects.filter(title="Hacked it").exists()
    assert Opportunity.objects.count() == 2


def test_candidates_cannot_create(alice: User, acme: Organisation, api_for) -> None:  # type: ignore[no-untyped-def]
    r = api_for(alice).post("/api/v1/opportunities", payload(acme), content_type=JSON)
    assert r.status_code == 404
    assert Opportunity.objects.count() == 0


def test_anonymous_callers_are_401_except_on_public_reads(
    opportunity: Opportunity, api_for
) -> None:  # type: ignore[no-untyped-def]
    visitor = api_for(None)
    assert visitor.get("/api/v1/saved-opportunities").status_code == 401
    assert visitor.get("/api/v1/recommendations").status_code == 401
    # browsing published postings is public, as the page is (tests/api/test_public_reads.py)
    assert visitor.get("/api/v1/opportunities").status_code == 200


def test_browse_returns_total_and_items_with_filters(
    alice: User, make_opportunity, api_for
) -> None:  # type: ignore[no-untyped-def]
    a = make_opportunity(title="Write SQL reports", estimated_hours=20, fee_minor=100000)
    b = make_opportunity(title="Tidy a spreadsheet", skills=(), estimated_hours=6, fee_minor=30000)
    api = api_for(alice)
    body = api.get("/api/v1/opportunities").json()
    assert body["total"] == 2 and [i["id"] for i in body["items"]] == [b.pk, a.pk]
    assert api.get("/api/v1/opportunities", {"max_hours": 10}).json()["total"] == 1
    assert [
        i["id"]
        for i in api.get(f"/api/v1/opportunities?skills={SQL}&skills={PYTHON}").json()["items"]
    ] == [a.pk]
    assert api.get("/api/v1/opportunities", {"q": "spreadsheet"}).json()["items"][0]["id"] == b.pk
    assert api.get("/api/v1/opportunities", {"work_mode": "onsite"}).json()["total"] == 0
    assert api.get("/api/v1/opportunities", {"currency": "EUR"}).json()["total"] == 0
    assert (
        api.get("/api/v1/opportunities", {"due_before": future(25).isoformat()}).json()["total"]
        == 0
    )
    assert api.get("/api/v1/opportunities", {"industry": "retail"}).json()["total"] == 2
    matched = api.get("/api/v1/opportunities", {"sort": "match"}).json()
    assert matched["total"] == 2 and all(i["match"] is not None for i in matched["items"])
    assert api.get("/api/v1/opportunities", {"sort": "random"}).status_code == 422


def test_detail_has_fit_and_worth_for_candidates(
    alice: User, opportunity: Opportunity, api_for
) -> None:  # type: ignore[no-untyped-def]
    body = api_for(alice).get(f"/api/v1/opportunities/{opportunity.pk}").json()
    assert body["fit"]["explanation"] and isinstance(body["worth"], list)
    assert body["can_manage"] is False and body["application_count"] is None


def test_edit_limits_once_someone_applied(
    bob: User, alice: User, opportunity: Opportunity, api_for
) -> None:  # type: ignore[no-untyped-def]
    Application.objects.create(opportunity=opportunity, candidate=alice)
    api = api_for(bob)
    r = api.patch(
        f"/api/v1/opportunities/{opportunity.pk}", {"fee_minor": 40000}, content_type=JSON
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "fee_minor"
    r = api.patch(
        f"/api/v1/opportunities/{opportunity.pk}", {"estimated_hours": 12}, content_type=JSON
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "estimated_hours"
    r = api.patch(
        f"/api/v1/opportunities/{opportunity.pk}", {"fee_minor": 55000}, content_type=JSON
    )
    assert r.status_code == 200 and r.json()["application_count"] == 1
    opportunity.refresh_from_db()
    assert opportunity.fee_minor == 55000 and opportunity.estimated_hours == 10


def test_hide_and_saved_searches(alice: User, opportunity: Opportunity, api_for) -> None:  # type: ignore[no-untyped-def]
    api = api_for(alice)
    r = api.post(
        f"/api/v1/opportunities/{opportunity.pk}/hide", {"reason": "too_far"}, content_type=JSON
    )
    assert r.status_code == 200 and r.json()["reason"] == "too_far"
    assert api.get("/api/v1/opportunities").json()["total"] == 0
    r = api.post(
        f"/api/v1/opportunities/{opportunity.pk}/hide", {"reason": "bogus"}, content_type=JSON
    )
    assert r.status_code == 422 and HiddenOpportunity.objects.get().reason == "too_far"
    assert api.delete(f"/api/v1/opportunities/{opportunity.pk}/hide").status_code == 204
    assert api.get("/api/v1/opportunities").json()["total"] == 1

    r = api.post(
        "/api/v1/saved-searches",
        {"name": "SQL", "query": {"q": "sql", "skills": [SQL], "max_hours": 20}},
        content_type=JSON,
    )
    assert r.status_code == 201
    assert r.json()["query"] == {"q": "sql", "skills": [SQL], "max_hours": 20}
    listing = api.get("/api/v1/saved-searches").json()
    assert [s["name"] for s in listing] == ["SQL"]
    assert api.delete(f"/api/v1/saved-searches/{listing[0]['id']}").status_code == 204
    assert api.delete(f"/api/v1/saved-searches/{listing[0]['id']}").status_code == 404
    assert not SavedSearch.objects.exists()


def test_others_cannot_delete_my_saved_search(alice: User, eve: User, api_for) -> None:  # type: ignore[no-untyped-def]
    search = SavedSearch.objects.create(user=alice, name="Mine", query={})
    assert api_for(eve).delete(f"/api/v1/saved-searches/{search.pk}").status_code == 404
    assert SavedSearch.objects.filter(pk=search.pk).exists()


def test_skill_search_and_suggestions(bob: User, api_for) -> None:  # type: ignore[no-untyped-def]
    api = api_for(bob)
    assert api.get("/api/v1/opportunities/skills", {"q": "sql"}).json()[0]["label"] == "SQL"
    r = api.post(
        "/api/v1/opportunities/skill-suggestions",
        {"text": "Analyse data with SQL"},
        content_type=JSON,
    )
    assert r.status_code == 200 and SQL in {s["id"] for s in r.json()}
