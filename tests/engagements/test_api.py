"""The API twins: the same services, JSON in and out, one error shape."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from stint.accounts.models import User
from stint.engagements.models import Engagement, Submission
from tests.engagements.conftest import FEE, candidate_balance, candidate_share, escrow

pytestmark = pytest.mark.django_db

BASE = "/api/v1/engagements"


def post(client: Any, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def test_the_path_through_the_api(
    engagement: Engagement, alice: User, bob: User, api_for: Any
) -> None:
    a, b = api_for(alice), api_for(bob)
    r = a.get(BASE)
    assert r.status_code == 200 and [x["id"] for x in r.json()] == [engagement.pk]
    assert r.json()[0]["my_side"] == "candidate"
    d = a.get(f"{BASE}/{engagement.pk}").json()
    assert d["status"] == "funded" and d["actions"] == ["start", "cancel"]
    assert b.get(f"{BASE}/{engagement.pk}").json()["actions"] == ["cancel"]
    r = post(b, f"{BASE}/{engagement.pk}/start")
    assert r.status_code == 403 and r.json()["detail"]
    assert post(a, f"{BASE}/{engagement.pk}/start").json()["status"] == "in_progress"
    r = a.post(
        f"{BASE}/{engagement.pk}/submissions",
        data={
            "text": "Done",
            "links": ["https://example.com/a", "https://example.com/b"],
            "files": [SimpleUploadedFile("out.csv", b"a,b\n")],
        },
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["version"] == 1 and len(body["items"]) == 3
    file_url = next(i["url"] for i in body["items"] if i["kind"] == "file")
    download = b.get(file_url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"a,b\n"
    assert download["Content-Disposition"].startswith("attachment")
    r = post(b, f"{BASE}/{engagement.pk}/changes", {"comments": "Add a header row"})
    assert r.status_code == 200 and r.json()["status"] == "changes_requested"
    assert r.json()["change_rounds_left"] == r.json()["change_rounds"] + 1  # 3 by default, 1 used
    a.post(f"{BASE}/{engagement.pk}/submissions", data={"text": "v2"})
    r = post(a, f"{BASE}/{engagement.pk}/approval")
    assert r.status_code == 403  # not your own work
    r = post(b, f"{BASE}/{engagement.pk}/approval", {"comments": "Thanks"})
    assert r.status_code == 200 and r.json()["status"] == "paid"
    assert r.json()["released_minor"] == FEE
    assert post(b, f"{BASE}/{engagement.pk}/approval").status_code == 409
    assert escrow(engagement) == 0 and candidate_balance(alice) == candidate_share(FEE)
    assert len(a.get(f"{BASE}/{engagement.pk}/submissions").json()) == 2


def test_bad_input_names_the_field_and_changes_nothing(
    engagement: Engagement, alice: User, bob: User, api_for: Any
) -> None:
    a, b = api_for(alice), api_for(bob)
    post(a, f"{BASE}/{engagement.pk}/start")
    r = a.post(f"{BASE}/{engagement.pk}/submissions", data={"text": ""})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "text"
    r = a.post(f"{BASE}/{engagement.pk}/submissions", data={"links": ["nope"]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "links"
    r = a.post(
        f"{BASE}/{engagement.pk}/submissions",
        data={"files": [SimpleUploadedFile("x.exe", b"MZ")]},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "files"
    assert not Submission.objects.exists()
    r = post(b, f"{BASE}/{engagement.pk}/split-proposals", {"to_candidate_minor": FEE + 1})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "to_candidate_minor"
    r = post(b, f"{BASE}/{engagement.pk}/split-proposals", {"to_candidate_minor": -1})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "to_candidate_minor"
    r = post(a, f"{BASE}/{engagement.pk}/dispute", {"statement": ""})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "statement"
    r = post(a, f"{BASE}/{engagement.pk}/time-logs", {"day": "2020-01-01", "minutes": 0})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "minutes"
    r = b.put(
        f"{BASE}/{engagement.pk}/milestones",
        data=json.dumps({"milestones": [{"title": "A", "amount_minor": 1}]}),
        content_type="application/json",
    )
    assert r.status_code == 409  # work started: milestones are fixed
    engagement.refresh_from_db()
    assert engagement.status == "in_progress"
    assert not engagement.split_proposals.exists() and not engagement.time_logs.exists()


def test_milestones_cancel_split_and_hours(
    open_engagement: Any, alice: User, bob: User, api_for: Any
) -> None:
    e = open_engagement()
    a, b = api_for(alice), api_for(bob)
    url = f"{BASE}/{e.pk}/milestones"
    r = b.put(
        url,
        data=json.dumps({"milestones": [{"title": "A", "amount_minor": 100}]}),
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "milestones"
    r = b.put(
        url,
        data=json.dumps(
            {
                "milestones": [
                    {"title": "Draft", "amount_minor": FEE - 10_000},
                    {"title": "Final", "amount_minor": 10_000},
                ]
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 200 and len(r.json()) == 2
    assert len(a.get(f"{BASE}/{e.pk}").json()["milestones"]) == 2
    post(a, f"{BASE}/{e.pk}/start")
    r = post(a, f"{BASE}/{e.pk}/time-logs", {"day": "2020-01-01", "minutes": 120})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "day"  # before the start
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    assert post(a, f"{BASE}/{e.pk}/time-logs", {"day": today, "minutes": 600}).status_code == 201
    assert a.get(f"{BASE}/{e.pk}").json()["effective_hourly_rate_minor"] == FEE // 10
    assert b.get(f"{BASE}/{e.pk}").json()["effective_hourly_rate_minor"] is None
    assert b.get(f"{BASE}/{e.pk}/time-logs").status_code == 403
    assert post(b, f"{BASE}/{e.pk}/cancellation").status_code == 409  # started
    r = post(b, f"{BASE}/{e.pk}/split-proposals", {"to_candidate_minor": 25_000})
    assert r.status_code == 201
    pid = r.json()["id"]
    assert post(b, f"{BASE}/{e.pk}/split-proposals/{pid}/acceptance").status_code == 403
    assert a.get(f"{BASE}/{e.pk}").json()["can_accept_proposal"] is True
    r = post(a, f"{BASE}/{e.pk}/split-proposals/{pid}/acceptance")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert candidate_balance(alice) == candidate_share(25_000) and escrow(e) == 0


def test_cancel_before_start_through_the_api(
    engagement: Engagement, alice: User, api_for: Any
) -> None:
    r = post(api_for(alice), f"{BASE}/{engagement.pk}/cancellation", {"reason": "Ill"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert escrow(engagement) == 0


def test_disputes_through_the_api(
    engagement: Engagement, alice: User, bob: User, root: User, api_for: Any
) -> None:
    a, b, admin = api_for(alice), api_for(bob), api_for(root)
    assert admin.get(f"{BASE}/{engagement.pk}").status_code == 404  # no dispute yet
    assert admin.get(f"{BASE}/disputes").json() == []
    assert a.get(f"{BASE}/disputes").status_code == 404
    post(a, f"{BASE}/{engagement.pk}/start")
    r = post(a, f"{BASE}/{engagement.pk}/dispute", {"statement": "They vanished."})
    assert r.status_code == 201
    assert (
        post(a, f"{BASE}/{engagement.pk}/dispute/response", {"statement": "x"}).status_code == 403
    )
    assert (
        post(b, f"{BASE}/{engagement.pk}/dispute/response", {"statement": "No"}).status_code == 200
    )
    assert [d["engagement_id"] for d in admin.get(f"{BASE}/disputes").json()] == [engagement.pk]
    assert admin.get(f"{BASE}/{engagement.pk}").json()["my_side"] == "admin"
    body = {"to_candidate_minor": 10_000, "resolution": "Some work was done."}
    assert post(b, f"{BASE}/{engagement.pk}/dispute/resolution", body).status_code == 403
    r = post(admin, f"{BASE}/{engagement.pk}/dispute/resolution", {"to_candidate_minor": 10_000})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "resolution"
    r = post(admin, f"{BASE}/{engagement.pk}/dispute/resolution", body)
    assert r.status_code == 200 and r.json()["status"] == "resolved"
    assert candidate_balance(alice) == candidate_share(10_000) and escrow(engagement) == 0
    engagement.refresh_from_db()
    assert engagement.status == "resolved"


def test_unauthenticated_is_401(engagement: Engagement, api_for: Any) -> None:
    assert api_for(None).get(BASE).status_code == 401


def test_resources_link_to_each_other_and_show_the_money_held(
    engagement: Engagement, alice: User, bob: User, api_for: Any
) -> None:
    """Issue 16: an integrator follows ids, never matches by title: the engagement
    names its offer, application and posting, when it was funded and what escrow
    holds; the offer names the engagement it became."""
    a, b = api_for(alice), api_for(bob)
    listed = a.get(BASE).json()[0]
    assert listed["offer_id"] == engagement.offer_id
    assert listed["application_id"] == engagement.application_id
    assert listed["opportunity_id"] == engagement.opportunity_id
    detail = b.get(f"{BASE}/{engagement.pk}").json()
    assert detail["funded_at"] is not None
    assert detail["escrow_balance_minor"] == escrow(engagement) > 0
    application = a.get(f"/api/v1/applications/{engagement.application_id}").json()
    offers = {o["id"]: o for o in application["offers"]}
    assert offers[engagement.offer_id]["engagement_id"] == engagement.pk
    post(a, f"{BASE}/{engagement.pk}/start")
    a.post(f"{BASE}/{engagement.pk}/submissions", data={"text": "Done"})
    post(b, f"{BASE}/{engagement.pk}/approval", {"comments": "Thanks"})
    assert b.get(f"{BASE}/{engagement.pk}").json()["escrow_balance_minor"] == 0
