"""The JSON API over the same services."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from stint.accounts.models import User
from stint.applications.models import Answer, Application, Message, Offer
from stint.notifications.models import Notification
from stint.opportunities.models import Opportunity
from tests.applications.conftest import apply

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_full_flow_over_the_api(
    alice: User,
    frank: User,
    bob: User,
    published_opportunity: Opportunity,
    required_question,
    api_for,
) -> None:  # type: ignore[no-untyped-def]
    cand = api_for(alice)
    emp = api_for(bob)
    r = cand.post(
        "/api/v1/applications",
        {
            "opportunity_id": published_opportunity.pk,
            "note": "Me!",
            "answers": [{"question_id": required_question.pk, "text": "pandas"}],
        },
        content_type=JSON,
    )
    assert r.status_code == 201, r.content
    body = r.json()
    app_id = body["id"]
    assert body["status"] == "submitted" and body["fit_explanation"]
    assert body["answers"] == [
        {
            "question_id": required_question.pk,
            "question": "Which tools would you use?",
            "text": "pandas",
        }
    ]
    apply(frank, published_opportunity)
    r = emp.get(f"/api/v1/opportunities/{published_opportunity.pk}/applicants")
    assert r.status_code == 200 and len(r.json()) == 2
    assert emp.post(f"/api/v1/applications/{app_id}/shortlist").json()["status"] == "shortlisted"
    r = emp.post(f"/api/v1/applications/{app_id}/offers", {}, content_type=JSON)
    assert r.status_code == 201 and r.json()["fee_minor"] == 50_000
    offer_id = r.json()["id"]
    r = emp.post(f"/api/v1/applications/{app_id}/offers", {}, content_type=JSON)
    assert r.status_code == 409
    r = cand.post(f"/api/v1/offers/{offer_id}/accept")
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert [a["status"] for a in cand.get("/api/v1/applications").json()] == ["accepted"]
    r = api_for(frank).get("/api/v1/applications").json()
    assert (
        r[0]["status"] == "auto_declined"
        and "after choosing another candidate" in r[0]["decline_reason"]
    )
    r = cand.get(f"/api/v1/employers/{published_opportunity.employer_id}/response-stats")
    assert r.status_code == 200 and r.json()["window_days"] == 7


def test_bad_input_is_422_with_the_field_and_changes_nothing(
    alice: User, bob: User, published_opportunity: Opportunity, required_question, api_for
) -> None:  # type: ignore[no-untyped-def]
    cand = api_for(alice)
    r = cand.post(
        "/api/v1/applications",
        {"opportunity_id": published_opportunity.pk, "note": "x" * 5001},
        content_type=JSON,
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "note"
    r = cand.post(
        "/api/v1/applications", {"opportunity_id": published_opportunity.pk}, content_type=JSON
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "answers"  # not sent: the list is at fault
    assert r.json()["code"] == "answer_required"
    assert not Application.objects.exists() and not Answer.objects.exists()

    a = apply(alice, published_opportunity)
    emp = api_for(bob)
    emp.post(f"/api/v1/applications/{a.pk}/shortlist")
    r = emp.post(f"/api/v1/applications/{a.pk}/offers", {"fee_minor": -5}, content_type=JSON)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "fee_minor"
    r = emp.post(
        f"/api/v1/opportunities/{published_opportunity.pk}/applicants/bulk",
        {"action": "promote", "ids": [a.pk]},
        content_type=JSON,
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "action"
    r = emp.post(
        f"/api/v1/opportunities/{published_opportunity.pk}/applicants/bulk",
        {"action": "decline", "ids": []},
        content_type=JSON,
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "ids"
    assert not Offer.objects.exists()
    assert Application.objects.get(pk=a.pk).status == "shortlisted"


def test_conflicts_are_409(alice: User, published_opportunity: Opportunity, api_for) -> None:  # type: ignore[no-untyped-def]
    a = apply(alice, published_opportunity)
    r = api_for(alice).post(
        "/api/v1/applications",
        {"opportunity_id": published_opportunity.pk, "answers": []},
        content_type=JSON,
    )
    assert r.status_code in (409, 422)
    api_for(alice).post(f"/api/v1/applications/{a.pk}/withdraw")
    r = api_for(alice).post(f"/api/v1/applications/{a.pk}/withdraw")
    assert r.status_code == 409 and r.json()["code"] == "bad_transition"


def test_bulk_and_invites_over_the_api(
    alice: User, frank: User, bob: User, published_opportunity: Opportunity, api_for
) -> None:  # type: ignore[no-untyped-def]
    a = apply(alice, published_opportunity)
    b = apply(frank, published_opportunity)
    r = api_for(bob).post(
        f"/api/v1/opportunities/{published_opportunity.pk}/applicants/bulk",
        {"action": "shortlist", "ids": [a.pk, b.pk]},
        content_type=JSON,
    )
    assert r.status_code == 200 and {x["status"] for x in r.json()} == {"shortlisted"}
    eve_candidate = User.objects.create_user(email="new@example.com", is_candidate=True)
    r = api_for(bob).post(
        f"/api/v1/opportunities/{published_opportunity.pk}/invites",
        {"candidate_id": eve_candidate.pk, "message": "Join us"},
        content_type=JSON,
    )
    assert r.status_code == 201 and r.json()["candidate_id"] == eve_candidate.pk


def test_messages_over_the_api(
    alice: User, bob: User, published_opportunity: Opportunity, api_for, settings, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    a = apply(alice, published_opportunity)
    r = api_for(bob).post(
        f"/api/v1/applications/{a.pk}/messages",
        {"body": "Brief attached", "attachment": SimpleUploadedFile("brief.txt", b"do it")},
    )
    assert r.status_code == 201, r.content
    url = r.json()["attachment_url"]
    assert api_for(alice).get(f"/api/v1/applications/{a.pk}").json()["unread_messages"] == 1
    msgs = api_for(alice).get(f"/api/v1/applications/{a.pk}/messages").json()
    assert [m["body"] for m in msgs] == ["Brief attached"] and not msgs[0]["mine"]
    assert api_for(alice).get(f"/api/v1/applications/{a.pk}").json()["unread_messages"] == 0
    r = api_for(alice).get(url)
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"do it"
    r = api_for(alice).post(
        f"/api/v1/applications/{a.pk}/messages",
        {"body": "", "attachment": SimpleUploadedFile("x.exe", b"MZ")},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "attachment"
    assert Message.objects.count() == 1
    assert Notification.objects.filter(user=alice, kind="message.received").count() == 1
