"""Issue 14 item 11: one inbox across every application's thread, page and API,
newest first, with unread marks that clear when the thread is opened."""

from __future__ import annotations

import re
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


def test_an_open_thread_refreshes_itself_and_only_for_its_people(
    alice: User, bob: User, carol: User, threads: Any, client_for: Any
) -> None:
    """Issue 17 item 8: the application page asks for its thread every 15 s (htmx);
    a reply sent meanwhile shows, and reading it that way marks it read."""
    a, _ = threads
    page = client_for(alice)
    html = page.get(f"/applications/{a.pk}/").content.decode()
    assert f'hx-get="/applications/{a.pk}/thread/"' in html and 'hx-trigger="every 15s"' in html
    message_send(actor=bob, application_id=a.pk, body="Tuesday works too.")
    part = page.get(f"/applications/{a.pk}/thread/")
    assert part.status_code == 200
    assert "Tuesday works too." in part.content.decode()
    assert "<html" not in part.content.decode()  # the thread alone, not a page
    assert "1 new" not in page.get("/applications/inbox/").content.decode()  # read now
    assert client_for(carol).get(f"/applications/{a.pk}/thread/").status_code == 404
    assert client_for(None).get(f"/applications/{a.pk}/thread/").status_code == 302


def test_the_bell_refreshes_itself(alice: User, bob: User, threads: Any, client_for: Any) -> None:
    from stint.notifications.services import notify

    page = client_for(alice)
    html = page.get("/dashboard/").content.decode()
    assert 'hx-get="/notifications/badge/"' in html and 'hx-trigger="every 30s"' in html
    before = page.get("/notifications/badge/").content.decode()
    notify(user=alice, kind="message.received", title="A new message")
    after = page.get("/notifications/badge/").content.decode()
    count = int(re.search(r'class="badge"[^>]*>(\d+)<', after).group(1))  # type: ignore[union-attr]
    previous = re.search(r'class="badge"[^>]*>(\d+)<', before)
    assert count == (int(previous.group(1)) if previous else 0) + 1
    assert 'id="notification-badge"' in after and 'hx-get="/notifications/badge/"' in after
    assert client_for(None).get("/notifications/badge/").status_code == 286  # stop polling
