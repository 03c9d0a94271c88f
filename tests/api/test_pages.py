"""Issue 15, item 19: every list is paged, none silently capped. `page` starts at 1
(0 or less is a 422 naming `page`), a page past the last one is empty (never page 1
again), and every row is reachable. The HTML twins page the same way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from stint.accounts.models import User
from stint.core.paging import PER_PAGE, page_of
from stint.moderation.models import Report
from stint.notifications.models import Notification
from stint.privacy.models import DataExport

pytestmark = pytest.mark.django_db

# (path, who may read it: "user" or "admin")
PAGED = [
    ("/api/v1/notifications", "user"),
    ("/api/v1/payments/payouts", "user"),
    ("/api/v1/privacy/exports", "user"),
    ("/api/v1/moderation/verification-requests", "admin"),
    ("/api/v1/moderation/reports", "admin"),
    ("/api/v1/moderation/postings", "admin"),
    ("/api/v1/opportunities", "user"),
]


def test_page_of_never_answers_another_page() -> None:
    rows = list(range(7))
    assert page_of(rows, 1, per_page=3).items == [0, 1, 2]
    last = page_of(rows, 3, per_page=3)
    assert last.items == [6] and last.pages == 3 and not last.has_next
    past = page_of(rows, 4, per_page=3)
    assert past.items == [] and past.page == 4 and past.total == 7
    assert past.has_previous and past.previous_page == 3  # back to the last real page
    empty = page_of([], 1)
    assert empty.items == [] and empty.pages == 1 and not empty.has_previous
    with pytest.raises(ValueError):
        page_of(rows, 0)


@pytest.mark.parametrize(("path", "who"), PAGED)
def test_every_paged_list_refuses_page_zero_and_answers_empty_past_the_end(
    path: str, who: str, alice: User, root: User, api_for: Callable[[User], Client]
) -> None:
    api = api_for(root if who == "admin" else alice)
    first = api.get(path)
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["page"] == 1 and body["pages"] >= 1 and isinstance(body["items"], list)
    far = api.get(path, {"page": 9999}).json()
    assert far["items"] == [] and far["page"] == 9999 and far["total"] == body["total"]
    for bad in (0, -3):
        r = api.get(path, {"page": bad})
        assert r.status_code == 422, (path, bad)
        assert [e["field"] for e in r.json()["errors"]] == ["page"]


def _notifications(user: User, n: int) -> None:
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            user=user, kind="offer.made", title=f"N{i}", created_at=now - timedelta(minutes=i)
        )
        for i in range(n)
    )


def test_every_notification_is_reachable_past_the_old_cap_of_100(
    alice: User, bob: User, api_for: Callable[[User], Client]
) -> None:
    _notifications(alice, 120)
    _notifications(bob, 3)
    api = api_for(alice)
    seen = []
    for page in (1, 2, 3):
        body = api.get("/api/v1/notifications", {"page": page}).json()
        assert body["total"] == 120 and body["pages"] == 3 and body["unread"] == 120
        seen += [n["title"] for n in body["items"]]
    assert seen == [f"N{i}" for i in range(120)]  # newest first, none twice, none lost
    assert api.get("/api/v1/notifications", {"page": 4}).json()["items"] == []


def test_every_report_is_reachable_past_the_old_cap_of_200(
    root: User, alice: User, api_for: Callable[[User], Client]
) -> None:
    Report.objects.bulk_create(
        Report(reporter=alice, target_type="profile", target_id=i + 1, reason="spam")
        for i in range(201)
    )
    api = api_for(root)
    ids = set()
    for page in range(1, 6):
        ids |= {
            r["id"] for r in api.get("/api/v1/moderation/reports", {"page": page}).json()["items"]
        }
    assert len(ids) == 201


def test_every_export_is_reachable_past_the_old_cap_of_20(
    alice: User, api_for: Callable[[User], Client]
) -> None:
    DataExport.objects.bulk_create(DataExport(user=alice) for _ in range(PER_PAGE + 1))
    api = api_for(alice)
    one = api.get("/api/v1/privacy/exports").json()
    two = api.get("/api/v1/privacy/exports", {"page": 2}).json()
    assert one["total"] == PER_PAGE + 1 and one["pages"] == 2
    assert len(one["items"]) == PER_PAGE and len(two["items"]) == 1


def test_the_notifications_page_pages_too(
    alice: User, client_for: Callable[[User], Client]
) -> None:
    _notifications(alice, PER_PAGE + 5)
    client = client_for(alice)
    first = client.get("/notifications/")
    html = first.content.decode()
    assert first.status_code == 200 and "N0<" in html and f"N{PER_PAGE}<" not in html
    assert 'rel="next"' in html and "page=2" in html
    second = client.get("/notifications/", {"page": 2}).content.decode()
    assert f"N{PER_PAGE}<" in second and f"N{PER_PAGE + 4}<" in second and "N0<" not in second
    past = client.get("/notifications/", {"page": 9}).content.decode()
    assert "N0<" not in past and "No notifications on this page" in past
    for bad in ("0", "-1", "x"):
        assert client.get("/notifications/", {"page": bad}).status_code == 404


def test_the_moderation_queue_says_how_many_wait_beyond_those_shown(
    root: User, alice: User, client_for: Callable[[User], Client]
) -> None:
    Report.objects.bulk_create(
        Report(reporter=alice, target_type="profile", target_id=i + 1, reason="spam")
        for i in range(101)
    )
    html = client_for(root).get("/moderation/").content.decode()
    assert "Open reports (101)" in html and "The oldest 100 of 101" in html


def test_the_exports_page_pages_too(alice: User, client_for: Callable[[User], Client]) -> None:
    DataExport.objects.bulk_create(DataExport(user=alice) for _ in range(11))
    client = client_for(alice)
    first = client.get("/privacy/").content.decode()
    assert "Page 1 of 2 (11 in all)" in first and 'rel="next"' in first
    assert "Page 2 of 2" in client.get("/privacy/", {"page": 2}).content.decode()
    assert client.get("/privacy/", {"page": 0}).status_code == 404
