"""Issue 14 item 11: one inbox across every application's thread, page and API,
newest first, with unread marks that clear when the thread is opened."""

from __future__ import annotations

from typing import Any

import pytest

from stint.accounts.models import User
from stint.applications.services import message_send
from stint.opportunities.models import Opportunity
from tests.applications.conftest import apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def threads(alice: User, frank: User, bob: User, published_opportunity: Opportunity) -> Any:
    a = apply(alice, published_opportunity)
    f = apply(frank, published_opportunity)
    message_send(actor=bob, application_id=a.pk, body="Could you start on Monday?")
    message_send(actor=frank, application_id=f.pk, body="Is remote work fine?")
    return a, f


def test_candidate_sees_the_thread_with_an_unread_mark(
    alice: User, threads: Any, client_for: Any
) -> None:
    a, _ = threads
    page = client_for(alice)
    assert b'href="/applications/inbox/"' in page.get("/dashboard/").content  # in the nav
    html = page.get("/applications/inbox/").content.decode()
    assert "Could you start on Monday?" in html and "1 new" in html and "Acme" in html
    assert "Is remote work fine?" not in html  # not Alice's thread
    page.get(f"/applications/{a.pk}/")  # opening it marks it read
    assert "1 new" not in page.get("/applications/inbox/").content.decode()


def test_employer_sees_every_applicant_thread_newest_first(
    bob: User, threads: Any, client_for: Any, api_for: Any
) -> None:
    a, f = threads
    html = client_for(bob).get("/applications/inbox/").content.decode()
    assert html.index("Frank Candidate") < html.index("Alice Candidate")
    assert "You: Could you start on Monday?" in html
    body = api_for(bob).get("/api/v1/messages").json()
    assert [
        (t["application_id"], t["unread_messages"], t["last_message_from_me"]) for t in body
    ] == [
        (f.pk, 1, False),
        (a.pk, 0, True),
    ]
    assert body[0]["with_name"] == "Frank Candidate"
    assert body[1]["last_message_preview"] == "Could you start on Monday?"


def test_api_inbox_for_the_candidate_and_outsiders(
    alice: User, carol: User, threads: Any, api_for: Any, client_for: Any
) -> None:
    a, _ = threads
    body = api_for(alice).get("/api/v1/messages").json()
    assert [(t["application_id"], t["with_name"], t["unread_messages"]) for t in body] == [
        (a.pk, "Acme", 1)
    ]
    assert api_for(carol).get("/api/v1/messages").json() == []
    assert "No messages yet" in client_for(carol).get("/applications/inbox/").content.decode()
    assert api_for(None).get("/api/v1/messages").status_code == 401
