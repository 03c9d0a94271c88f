"""In-app notifications, marking read, per-kind preferences: pages and API."""

from __future__ import annotations

import pytest
from django.core import mail

from stint.accounts.models import User
from stint.notifications.models import Notification, NotificationPreference
from stint.notifications.services import notify, preference_set

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_list_page_shows_unread_and_marks_read(alice: User, eve: User, client_for) -> None:  # type: ignore[no-untyped-def]
    first = notify(
        user=alice, kind="offer.made", title="Acme offered you Data cleanup", url="/applications/1/"
    )
    notify(user=alice, kind="application.shortlisted", title="Shortlisted!")
    notify(user=eve, kind="offer.made", title="Not for Alice")
    page = client_for(alice)
    r = page.get("/notifications/")
    assert r.status_code == 200
    assert b"2 unread" in r.content and b"Acme offered you Data cleanup" in r.content
    assert b"Not for Alice" not in r.content
    assert first is not None
    r = page.post(f"/notifications/{first.pk}/read/", {"next": "/applications/1/"})
    assert r.status_code == 302 and r["Location"] == "/applications/1/"
    assert Notification.objects.filter(user=alice, read_at__isnull=True).count() == 1
    r = page.post(f"/notifications/{first.pk}/read/", {"next": "https://evil.example/"})
    assert r["Location"] == "/notifications/"
    page.post("/notifications/read/")
    assert not Notification.objects.filter(user=alice, read_at__isnull=True).exists()


def test_nobody_marks_someone_elses_notification(
    alice: User, eve: User, client_for, api_for
) -> None:  # type: ignore[no-untyped-def]
    n = notify(user=alice, kind="offer.made", title="Yours")
    assert n is not None
    assert client_for(eve).post(f"/notifications/{n.pk}/read/").status_code == 404
    r = api_for(eve).post("/api/v1/notifications/read", {"id": n.pk}, content_type=JSON)
    assert r.status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_api_list_and_mark_read(alice: User, api_for) -> None:  # type: ignore[no-untyped-def]
    notify(user=alice, kind="offer.made", title="One")
    n2 = notify(user=alice, kind="offer.made", title="Two")
    api = api_for(alice)
    body = api.get("/api/v1/notifications").json()
    assert body["unread"] == 2 and [n["title"] for n in body["items"]] == ["Two", "One"]
    assert n2 is not None
    r = api.post("/api/v1/notifications/read", {"id": n2.pk}, content_type=JSON)
    assert r.json() == {"marked": 1, "unread": 1}
    r = api.post("/api/v1/notifications/read", {}, content_type=JSON)
    assert r.json() == {"marked": 1, "unread": 0}


def test_preferences_page_and_their_effect(
    alice: User, client_for, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    page = client_for(alice)
    r = page.get("/notifications/settings/")
    assert r.status_code == 200 and b"You received an offer" in r.content
    # Everything on, except offer.made in the app and message.received by email.
    from stint.notifications.kinds import KINDS

    data = {}
    for kind in KINDS:
        if kind != "offer.made":
            data[f"{kind}:in_app"] = "on"
        if kind != "message.received":
            data[f"{kind}:email"] = "on"
    assert page.post("/notifications/settings/", data).status_code == 302
    assert NotificationPreference.objects.get(user=alice, kind="offer.made").in_app is False
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        offer = notify(user=alice, kind="offer.made", title="Offer")
        message = notify(user=alice, kind="message.received", title="Hi")
    assert offer is not None and offer.read_at is not None  # stored, not shown as unread
    assert message is not None and message.read_at is None
    assert [m.subject for m in mail.outbox] == ["[Stint] Offer"]


def test_both_off_stores_nothing(alice: User) -> None:
    preference_set(user=alice, kind="offer.expired", in_app=False, email=False)
    assert notify(user=alice, kind="offer.expired", title="x") is None
    assert not Notification.objects.exists()


def test_preferences_api(alice: User, api_for) -> None:  # type: ignore[no-untyped-def]
    api = api_for(alice)
    prefs = api.get("/api/v1/notifications/preferences").json()
    assert {
        "kind": "offer.made",
        "label": "You received an offer",
        "in_app": True,
        "email": True,
    } in prefs
    r = api.put(
        "/api/v1/notifications/preferences",
        [{"kind": "offer.made", "in_app": True, "email": False}],
        content_type=JSON,
    )
    assert r.status_code == 200
    assert {
        "kind": "offer.made",
        "label": "You received an offer",
        "in_app": True,
        "email": False,
    } in r.json()
    r = api.put(
        "/api/v1/notifications/preferences",
        [
            {"kind": "offer.expired", "in_app": False, "email": False},
            {"kind": "no.such.kind", "in_app": True, "email": True},
        ],
        content_type=JSON,
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "kind"
    assert not NotificationPreference.objects.filter(
        kind="offer.expired"
    ).exists()  # all or nothing
    r = api.put("/api/v1/notifications/preferences", [{"kind": "offer.made"}], content_type=JSON)
    assert r.status_code == 422


def test_email_is_sent_once_with_text_and_html(
    alice: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from stint.notifications.tasks import send_notification_email

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        n = notify(
            user=alice, kind="offer.made", title="Offer", body="Details", url="/applications/1/"
        )
    assert n is not None
    send_notification_email.enqueue(n.pk)  # a retry sends nothing more
    assert len(mail.outbox) == 1
    assert "/applications/1/" in mail.outbox[0].body and mail.outbox[0].alternatives


def test_anonymous(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/notifications/").status_code == 302
    assert client.get("/api/v1/notifications").status_code == 401


def test_settings_list_only_the_kinds_a_person_can_receive(
    alice: User, bob: User, acme, client_for
) -> None:  # type: ignore[no-untyped-def]
    """Candidates were asked about "Someone applied to your opportunity"."""
    from stint.notifications.kinds import AUDIENCES, KINDS

    assert set(AUDIENCES) == set(KINDS)  # every kind says who it is for
    candidate = client_for(alice).get("/notifications/settings/").content
    employer = client_for(bob).get("/notifications/settings/").content
    assert b"You received an offer" in candidate
    assert b"Someone applied to your opportunity" not in candidate
    assert b"Someone applied to your opportunity" in employer
    assert b"You received an offer" not in employer

    # Saving the page leaves the kinds it did not show as they were.
    preference_set(user=alice, kind="application.received", in_app=False, email=True)
    assert client_for(alice).post("/notifications/settings/", {}).status_code == 302
    kept = NotificationPreference.objects.get(user=alice, kind="application.received")
    assert (kept.in_app, kept.email) == (False, True)
    turned_off = NotificationPreference.objects.get(user=alice, kind="offer.made")
    assert (turned_off.in_app, turned_off.email) == (False, False)
