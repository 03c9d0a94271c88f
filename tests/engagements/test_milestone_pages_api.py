"""Milestones on the pages and in the API: state per milestone, submit against one,
approve or request changes on one; who may, and what bad input does."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from stint.accounts.models import User
from stint.engagements import services
from stint.engagements.models import Engagement, Milestone, Submission
from tests.engagements.conftest import (
    FEE,
    SHARES,
    candidate_balance,
    candidate_share,
    candidate_share_of_parts,
    escrow,
    funded_amount,
    out_of_escrow,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/engagements"


def post(client: Any, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def parts(e: Engagement) -> list[Milestone]:
    return list(e.milestones.order_by("position"))


# --- Pages ----------------------------------------------------------------------------------------


def test_milestones_walk_the_pages(
    milestoned: Engagement, alice: User, bob: User, client_for: Any
) -> None:
    e = milestoned
    one, two, three = parts(e)
    a, b = client_for(alice), client_for(bob)
    url = f"/engagements/{e.pk}/"
    r = a.get(url)
    html = r.content.decode()
    assert r.status_code == 200 and 'id="milestones"' in html
    assert "Part 1" in html and "$200.00" in html and "Pending" in html
    assert f"submit/?milestone={one.pk}" in html and "review/?milestone=" not in html
    r = a.get(f"{url}submit/?milestone={two.pk}")
    assert r.status_code == 200 and f'<option value="{two.pk}" selected>' in r.content.decode()
    r = a.post(
        f"{url}submit/",
        {
            "milestone_id": str(two.pk),
            "text": "Part 2 done.",
            "files": [SimpleUploadedFile("p2.csv", b"a\n")],
        },
    )
    assert r.status_code == 302, r.content
    s = Submission.objects.get()
    assert s.milestone == two and s.version == 1
    html = b.get(url).content.decode()
    assert "Submitted for review" in html and f"review/?milestone={two.pk}" in html
    assert "Part 2: version 1" in html
    r = b.get(f"{url}review/?milestone={two.pk}")
    assert r.status_code == 200 and "Approve and pay this milestone" in r.content.decode()
    r = b.post(
        f"{url}review/",
        {"milestone_id": str(two.pk), "decision": "changes", "comments": "Add a header"},
    )
    assert r.status_code == 302
    assert "Changes requested" in a.get(url).content.decode()
    assert a.post(f"{url}submit/", {"milestone_id": two.pk, "text": "v2"}).status_code == 302
    r = b.post(f"{url}review/", {"milestone_id": two.pk, "decision": "approve", "comments": ""})
    assert r.status_code == 302
    two.refresh_from_db()
    assert two.status == "approved" and two.released_at
    html = a.get(url).content.decode()
    assert "Approved and released" in html and "Released so far: <strong>175.01 USD" in html
    assert candidate_balance(alice) == candidate_share_of_parts(SHARES[1])
    for m in (one, three):
        services.submission_create(actor=alice, engagement_id=e.pk, text="x", milestone_id=m.pk)
        b.post(f"{url}review/", {"milestone_id": m.pk, "decision": "approve"})
    e.refresh_from_db()
    assert (
        e.status == "paid" and escrow(e) == 0 and candidate_balance(alice) == candidate_share(FEE)
    )
    assert "Nothing for you to do" in a.get(url).content.decode()


def test_bad_milestone_input_on_the_pages_changes_nothing(
    milestoned: Engagement, alice: User, bob: User, client_for: Any
) -> None:
    e = milestoned
    one, two, _ = parts(e)
    a, b = client_for(alice), client_for(bob)
    url = f"/engagements/{e.pk}/"
    r = a.post(f"{url}submit/", {"text": "No milestone chosen."})
    assert r.status_code == 422 and r.context["form"].errors["milestone_id"]
    r = a.post(f"{url}submit/", {"milestone_id": "999999", "text": "Unknown."})
    assert r.status_code == 422 and r.context["form"].errors["milestone_id"]
    assert not Submission.objects.exists()
    services.submission_create(actor=alice, engagement_id=e.pk, text="x", milestone_id=one.pk)
    r = a.post(f"{url}submit/", {"milestone_id": one.pk, "text": "Again."})
    assert r.status_code == 422 and r.context["form"].errors["milestone_id"]  # waiting for review
    # Only submitted milestones can be reviewed; changes need comments.
    r = b.post(f"{url}review/", {"milestone_id": two.pk, "decision": "approve"})
    assert r.status_code == 422 and r.context["form"].errors["milestone_id"]
    r = b.post(f"{url}review/", {"milestone_id": one.pk, "decision": "changes", "comments": ""})
    assert r.status_code == 422 and r.context["form"].errors["comments"]
    r = b.post(f"{url}review/", {"decision": "approve"})
    assert r.status_code == 422 and r.context["form"].errors["milestone_id"]
    one.refresh_from_db()
    assert one.status == "submitted" and one.change_rounds == 0
    assert Submission.objects.count() == 1 and escrow(e) == funded_amount()


def test_milestone_pages_are_for_the_right_side_only(
    milestoned: Engagement, alice: User, bob: User, eve: User, carol: User, client_for: Any
) -> None:
    e = milestoned
    one = parts(e)[0]
    url = f"/engagements/{e.pk}/"
    for outsider in (eve, carol):
        c = client_for(outsider)
        assert c.get(f"{url}submit/?milestone={one.pk}").status_code == 404
        assert c.post(f"{url}submit/", {"milestone_id": one.pk, "text": "x"}).status_code == 404
        assert (
            c.post(f"{url}review/", {"milestone_id": one.pk, "decision": "approve"}).status_code
            == 404
        )
    assert client_for(bob).get(f"{url}submit/").status_code == 403
    assert client_for(alice).get(f"{url}review/").status_code == 403
    r = client_for(alice).post(f"{url}review/", {"milestone_id": one.pk, "decision": "approve"})
    assert r.status_code == 403
    assert not Submission.objects.exists()


# --- API --------------------------------------------------------------------------------------------


def test_milestones_through_the_api(
    milestoned: Engagement, alice: User, bob: User, api_for: Any
) -> None:
    e = milestoned
    one, two, three = parts(e)
    a, b = api_for(alice), api_for(bob)
    d = a.get(f"{BASE}/{e.pk}").json()
    assert d["by_milestone"] is True and d["milestones_released_minor"] == 0
    assert [m["id"] for m in d["milestones"]] == [one.pk, two.pk, three.pk]
    assert [m["status"] for m in d["milestones"]] == ["pending"] * 3
    assert d["milestones"][0]["actions"] == ["submit"] and d["actions"][0] == "submit"
    r = a.post(
        f"{BASE}/{e.pk}/submissions",
        data={"text": "One", "links": ["https://example.com/1"], "milestone_id": str(one.pk)},
    )
    assert r.status_code == 201, r.json()
    assert r.json()["milestone_id"] == one.pk and r.json()["version"] == 1
    d = b.get(f"{BASE}/{e.pk}").json()
    assert d["status"] == "submitted" and d["milestones"][0]["status"] == "submitted"
    assert d["milestones"][0]["actions"] == ["request_changes", "approve"]
    r = post(b, f"{BASE}/{e.pk}/changes", {"comments": "More", "milestone_id": one.pk})
    assert r.status_code == 200 and r.json()["status"] == "changes_requested"
    assert r.json()["milestones"][0]["change_rounds"] == 1
    a.post(f"{BASE}/{e.pk}/submissions", data={"text": "v2", "milestone_id": str(one.pk)})
    r = post(b, f"{BASE}/{e.pk}/approval", {"comments": "Good", "milestone_id": one.pk})
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["status"] == "in_progress" and body["released_minor"] == SHARES[0]
    listed = {x["id"]: x for x in b.get(BASE).json()}  # the list shows it too (issue 15)
    assert listed[e.pk]["released_minor"] == SHARES[0]
    assert body["milestones"][0]["status"] == "approved" and body["milestones"][0]["released_at"]
    assert body["milestones_released_minor"] == SHARES[0]
    assert escrow(e) == funded_amount() - out_of_escrow(SHARES[0])
    assert post(b, f"{BASE}/{e.pk}/approval", {"milestone_id": one.pk}).status_code == 409
    for m in (two, three):
        a.post(f"{BASE}/{e.pk}/submissions", data={"text": "x", "milestone_id": str(m.pk)})
        r = post(b, f"{BASE}/{e.pk}/approval", {"milestone_id": m.pk})
        assert r.status_code == 200
    assert r.json()["status"] == "paid" and r.json()["released_minor"] == FEE
    assert escrow(e) == 0 and candidate_balance(alice) == candidate_share(FEE)
    subs = a.get(f"{BASE}/{e.pk}/submissions").json()
    assert [(s["milestone_id"], s["version"]) for s in subs][-2:] == [(one.pk, 2), (one.pk, 1)]


def test_bad_milestone_input_in_the_api_names_the_field_and_changes_nothing(
    milestoned: Engagement, alice: User, bob: User, api_for: Any
) -> None:
    e = milestoned
    one, two, _ = parts(e)
    a, b = api_for(alice), api_for(bob)
    for data in (
        {"text": "x"},
        {"text": "x", "milestone_id": "0"},
        {"text": "x", "milestone_id": "abc"},
    ):
        r = a.post(f"{BASE}/{e.pk}/submissions", data=data)
        assert r.status_code == 422, (data, r.json())
        assert r.json()["errors"][0]["field"] == "milestone_id", (data, r.json())
    r = a.post(f"{BASE}/{e.pk}/submissions", data={"text": "x", "milestone_id": "99999999"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "milestone_id"
    r = a.post(f"{BASE}/{e.pk}/submissions", data={"text": "x", "milestone_id": str(2**40)})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "milestone_id"
    assert not Submission.objects.exists()
    a.post(f"{BASE}/{e.pk}/submissions", data={"text": "x", "milestone_id": str(one.pk)})
    r = post(b, f"{BASE}/{e.pk}/approval", {})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "milestone_id"
    r = post(b, f"{BASE}/{e.pk}/approval", {"milestone_id": -1})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "milestone_id"
    r = post(b, f"{BASE}/{e.pk}/changes", {"milestone_id": one.pk, "comments": ""})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "comments"
    r = post(b, f"{BASE}/{e.pk}/approval", {"milestone_id": two.pk})
    assert r.status_code == 409 and r.json()["errors"][0]["field"] == "milestone_id"
    one.refresh_from_db()
    assert one.status == "submitted" and one.change_rounds == 0
    assert escrow(e) == funded_amount() and candidate_balance(alice) == 0


def test_milestone_endpoints_refuse_the_wrong_people(
    milestoned: Engagement, alice: User, bob: User, eve: User, carol: User, api_for: Any
) -> None:
    e = milestoned
    one = parts(e)[0]
    a, b = api_for(alice), api_for(bob)
    r = b.post(f"{BASE}/{e.pk}/submissions", data={"text": "x", "milestone_id": str(one.pk)})
    assert r.status_code == 403
    a.post(f"{BASE}/{e.pk}/submissions", data={"text": "x", "milestone_id": str(one.pk)})
    assert post(a, f"{BASE}/{e.pk}/approval", {"milestone_id": one.pk}).status_code == 403
    r = post(a, f"{BASE}/{e.pk}/changes", {"milestone_id": one.pk, "comments": "x"})
    assert r.status_code == 403
    for outsider in (eve, carol):
        c = api_for(outsider)
        assert c.get(f"{BASE}/{e.pk}").status_code == 404
        assert post(c, f"{BASE}/{e.pk}/approval", {"milestone_id": one.pk}).status_code == 404
        r = c.post(f"{BASE}/{e.pk}/submissions", data={"text": "x", "milestone_id": str(one.pk)})
        assert r.status_code == 404
    one.refresh_from_db()
    assert one.status == "submitted" and escrow(e) == funded_amount()


def test_the_milestones_endpoint_answers_with_their_state(
    engagement: Engagement, bob: User, api_for: Any
) -> None:
    r = api_for(bob).put(
        f"{BASE}/{engagement.pk}/milestones",
        data=json.dumps(
            {
                "milestones": [
                    {"title": "Draft", "amount_minor": 20_000, "due_date": None},
                    {"title": "Final", "amount_minor": 30_000},
                ]
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 200
    assert [(m["position"], m["status"], m["actions"]) for m in r.json()] == [
        (1, "pending", []),
        (2, "pending", []),
    ]
    assert api_for(bob).get(f"{BASE}/{engagement.pk}").json()["by_milestone"] is False


def test_milestone_form_in_major_units_reports_every_bad_line(
    open_engagement: Any, bob: User, client_for: Any
) -> None:
    """Issue 14 items 6–7: every bad line is named at once, in the engagement's currency."""
    e = open_engagement()
    r = client_for(bob).post(
        f"/engagements/{e.pk}/milestones/", {"lines": "abc Draft\n200.005 Final"}, follow=True
    )
    assert b"Line 1 should start with an amount in USD" in r.content
    assert b"Line 2 should start with an amount in USD" in r.content
    assert e.milestones.count() == 0
    page = client_for(bob).get(f"/engagements/{e.pk}/").content
    assert b"200.00 First draft" in page  # the help text speaks major units


def test_split_form_takes_major_units_and_names_the_field(
    open_engagement: Any, alice: User, bob: User, client_for: Any
) -> None:
    """Issue 14 item 7: a partial payment is typed as 150.00, stored as 15000."""
    e = open_engagement()
    client_for(alice).post(f"/engagements/{e.pk}/start/")
    r = client_for(bob).post(
        f"/engagements/{e.pk}/split/", {"to_candidate": "1.005", "note": "x"}, follow=True
    )
    assert b"Use an amount in USD, e.g. 150.00." in r.content
    assert not e.split_proposals.exists()
    client_for(bob).post(f"/engagements/{e.pk}/split/", {"to_candidate": "150.00", "note": "x"})
    assert e.split_proposals.get().to_candidate_minor == 15_000
