"""Interviews: propose → pick → invitations (.ics), reschedule (SEQUENCE grows,
UID stays), cancel (METHOD:CANCEL), private notes; pages, API, permissions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from stint.accounts.models import User
from stint.applications import interviews as services
from stint.applications import rules
from stint.applications.models import Application, Interview, InterviewNote, InterviewSlot
from stint.core.errors import ConflictError, DomainError, Forbidden
from stint.notifications.models import Notification
from stint.orgs.models import Organisation
from tests.growth.conftest import JSON

pytestmark = pytest.mark.django_db


def _future(days: int, hour: int = 14) -> datetime:
    base = timezone.now().astimezone(UTC) + timedelta(days=days)
    return base.replace(hour=hour, minute=0, second=0, microsecond=0)


def _propose(bob: User, application: Application, **kw: object) -> Interview:
    args: dict[str, object] = {
        "slots": [_future(2), _future(3)],
        "time_zone": "Europe/Berlin",
        "meeting_url": "https://meet.example/acme",
    }
    args.update(kw)
    return services.interview_propose(actor=bob, application_id=application.pk, **args)  # type: ignore[arg-type]


def _props(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in rules.unfold(text):
        name, _, value = line.partition(":")
        out.setdefault(name.split(";")[0], value)
    return out


def _ics_attachments() -> list[tuple[str, dict[str, str]]]:
    found = []
    for m in mail.outbox:
        for name, content, mimetype in m.attachments:
            assert name == "interview.ics"
            assert mimetype.startswith("text/calendar")
            found.append((m.to[0], _props(content)))
    return found


# --- Services -----------------------------------------------------------------------------


def test_propose_pick_sends_invitations_to_both(
    shortlisted: Application, bob: User, alice: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    interview = _propose(bob, shortlisted)
    assert interview.slots.count() == 2
    assert Notification.objects.filter(user=alice, kind="growth.interview").exists()
    slot = interview.slots.first()
    with django_capture_on_commit_callbacks(execute=True):
        services.interview_pick(actor=alice, interview_id=interview.pk, slot_id=slot.pk)
    interview.refresh_from_db()
    assert interview.status == "scheduled" and interview.starts_at == slot.starts_at
    sent = _ics_attachments()
    assert {to for to, _ in sent} == {"alice@example.com", "bob@acme.example"}
    for _, p in sent:
        assert p["METHOD"] == "REQUEST"
        assert p["UID"] == f"{interview.uid}@stint"
        assert p["SEQUENCE"] == "0"
        assert p["DTSTART"] == slot.starts_at.strftime("%Y%m%dT%H%M%SZ")
        assert p["URL"] == "https://meet.example/acme"
        assert p["ORGANIZER"] == "mailto:bob@acme.example"
        assert p["ATTENDEE"] == "mailto:alice@example.com"
    assert interview.sent_sequence == 0


def test_reschedule_keeps_uid_and_sequence_grows_then_cancel(
    shortlisted: Application, bob: User, alice: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    interview = _propose(bob, shortlisted)
    with django_capture_on_commit_callbacks(execute=True):
        services.interview_pick(
            actor=alice, interview_id=interview.pk, slot_id=interview.slots.first().pk
        )
    # The candidate reschedules: she offers new times, the employer picks.
    with django_capture_on_commit_callbacks(execute=True):
        services.interview_reschedule(
            actor=alice, interview_id=interview.pk, reason="Exam moved", slots=[_future(5)]
        )
    interview.refresh_from_db()
    assert interview.status == "proposed" and interview.proposed_by_side == "candidate"
    assert interview.sequence == 1 and interview.last_change_reason == "Exam moved"
    new_slot = InterviewSlot.objects.get(interview=interview, round=1)
    with pytest.raises(DomainError) as own:
        services.interview_pick(actor=alice, interview_id=interview.pk, slot_id=new_slot.pk)
    assert own.value.field == "slot_id"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.interview_pick(actor=bob, interview_id=interview.pk, slot_id=new_slot.pk)
    updates = _ics_attachments()
    assert updates and all(p["SEQUENCE"] == "1" for _, p in updates)
    assert all(p["UID"] == f"{interview.uid}@stint" for _, p in updates)
    assert all(p["DTSTART"] == new_slot.starts_at.strftime("%Y%m%dT%H%M%SZ") for _, p in updates)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.interview_cancel(actor=bob, interview_id=interview.pk, reason="Role filled")
    cancels = _ics_attachments()
    assert cancels and all(p["METHOD"] == "CANCEL" for _, p in cancels)
    assert all(p["SEQUENCE"] == "2" and p["STATUS"] == "CANCELLED" for _, p in cancels)
    assert all(p["UID"] == f"{interview.uid}@stint" for _, p in cancels)
    assert Notification.objects.filter(user=alice, title__contains="Role filled").exists()


def test_the_invitation_task_is_idempotent(
    shortlisted: Application, bob: User, alice: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from stint.applications.tasks import send_interview_invitations

    interview = _propose(bob, shortlisted)
    with django_capture_on_commit_callbacks(execute=True):
        services.interview_pick(
            actor=alice, interview_id=interview.pk, slot_id=interview.slots.first().pk
        )
    count = len(mail.outbox)
    send_interview_invitations.call(interview.pk)
    assert len(mail.outbox) == count


def test_bad_input_changes_nothing(shortlisted: Application, bob: User, alice: User) -> None:
    past = timezone.now() - timedelta(hours=1)
    with pytest.raises(DomainError) as exc:
        _propose(bob, shortlisted, slots=[past])
    assert exc.value.field == "slots" and exc.value.code == "slot_in_past"
    with pytest.raises(DomainError) as exc:
        _propose(bob, shortlisted, time_zone="Mars/Olympus")
    assert exc.value.field == "time_zone"
    assert not Interview.objects.exists()
    interview = _propose(bob, shortlisted)
    with pytest.raises(DomainError) as exc:
        services.interview_pick(actor=alice, interview_id=interview.pk, slot_id=999_999)
    assert exc.value.field == "slot_id"
    with pytest.raises(DomainError) as exc:
        services.interview_reschedule(actor=bob, interview_id=interview.pk, reason="", slots=[])
    assert exc.value.field == "reason"
    interview.refresh_from_db()
    assert interview.status == "proposed" and interview.sequence == 0
    with pytest.raises(ConflictError):
        _propose(bob, shortlisted)


def test_only_shortlisted_applicants_and_only_the_employer_propose(
    opportunity, alice: User, bob: User, shortlisted: Application
) -> None:  # type: ignore[no-untyped-def]
    shortlisted.status = "submitted"
    shortlisted.save()
    with pytest.raises(DomainError) as exc:
        _propose(bob, shortlisted)
    assert exc.value.field == "application_id"
    shortlisted.status = "shortlisted"
    shortlisted.save()
    with pytest.raises(Forbidden):
        _propose(alice, shortlisted)


def test_notes_are_for_the_employer_team_only(
    shortlisted: Application, bob: User, alice: User
) -> None:
    interview = _propose(bob, shortlisted)
    services.interview_note_add(
        actor=bob, interview_id=interview.pk, text="Sharp on SQL", would_recommend=4
    )
    with pytest.raises(Forbidden):
        services.interview_note_add(
            actor=alice, interview_id=interview.pk, text="me", would_recommend=4
        )
    with pytest.raises(DomainError) as exc:
        services.interview_note_add(actor=bob, interview_id=interview.pk, would_recommend=5)
    assert exc.value.field == "would_recommend"
    assert InterviewNote.objects.count() == 1


# --- Pages and API ------------------------------------------------------------------------


def test_pages_show_both_time_zones_and_the_ics(
    shortlisted: Application, bob: User, alice: User, client_for
) -> None:  # type: ignore[no-untyped-def]
    interview = _propose(bob, shortlisted, slots=[_future(2, 14)])
    services.interview_note_add(
        actor=bob, interview_id=interview.pk, text="SECRET-NOTE", would_recommend=2
    )
    page = client_for(alice).get(f"/growth/interviews/{interview.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "(America/New_York)" in body and "(Europe/Berlin)" in body
    assert "SECRET-NOTE" not in body and "Private notes" not in body
    slot = interview.slots.first()
    r = client_for(alice).post(f"/growth/interviews/{interview.pk}/pick/", {"slot_id": slot.pk})
    assert r.status_code == 302
    ics = client_for(alice).get(f"/growth/interviews/{interview.pk}/invite.ics")
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    assert _props(ics.content.decode())["UID"] == f"{interview.uid}@stint"
    employer_page = client_for(bob).get(f"/growth/interviews/{interview.pk}/").content.decode()
    assert "SECRET-NOTE" in employer_page


def test_propose_page_converts_local_times_to_utc(
    shortlisted: Application, bob: User, client_for
) -> None:  # type: ignore[no-untyped-def]
    when = (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%d") + "T09:00"
    r = client_for(bob).post(
        f"/growth/applications/{shortlisted.pk}/interview/",
        {"time_zone": "America/New_York", "slot1": when, "duration_minutes": 30},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    slot = InterviewSlot.objects.get()
    local = slot.starts_at.astimezone(rules.zone("America/New_York"))
    assert (local.hour, local.minute) == (9, 0)


def test_page_bad_input_422_names_the_field(
    shortlisted: Application, bob: User, alice: User, client_for
) -> None:  # type: ignore[no-untyped-def]
    past = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    r = client_for(bob).post(
        f"/growth/applications/{shortlisted.pk}/interview/",
        {"time_zone": "UTC", "slot1": past, "duration_minutes": 30},
    )
    assert r.status_code == 422
    assert "in the future" in r.content.decode()
    assert not Interview.objects.exists()
    interview = _propose(bob, shortlisted)
    r = client_for(alice).post(f"/growth/interviews/{interview.pk}/pick/", {"slot_id": 424242})
    assert r.status_code == 422 and "Pick one of the times offered" in r.content.decode()
    interview.refresh_from_db()
    assert interview.status == "proposed"


def test_api_flow_and_errors(shortlisted: Application, bob: User, alice: User, api_for) -> None:  # type: ignore[no-untyped-def]
    body = {
        "slots": [_future(2).isoformat(), _future(4).isoformat()],
        "time_zone": "Europe/Berlin",
        "meeting_url": "https://meet.example/x",
    }
    r = api_for(bob).post(
        f"/api/v1/applications/{shortlisted.pk}/interviews", json.dumps(body), content_type=JSON
    )
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["status"] == "proposed" and len(data["slots"]) == 2
    assert data["slots"][0]["candidate_local"].endswith("(America/New_York)")
    iid = data["id"]
    bad = api_for(alice).post(
        f"/api/v1/interviews/{iid}/pick", json.dumps({"slot_id": 987654}), content_type=JSON
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "slot_id"
    ok = api_for(alice).post(
        f"/api/v1/interviews/{iid}/pick",
        json.dumps({"slot_id": data["slots"][0]["id"]}),
        content_type=JSON,
    )
    assert ok.status_code == 200 and ok.json()["status"] == "scheduled"
    assert ok.json()["when_candidate"].endswith("(America/New_York)")
    ics = api_for(alice).get(f"/api/v1/interviews/{iid}/calendar.ics")
    assert ics.status_code == 200 and b"BEGIN:VEVENT" in ics.content
    r = api_for(bob).post(
        f"/api/v1/interviews/{iid}/notes",
        json.dumps({"text": "Great", "would_recommend": 3}),
        content_type=JSON,
    )
    assert r.status_code == 201
    past = api_for(bob).post(
        f"/api/v1/interviews/{iid}/reschedule",
        json.dumps(
            {"reason": "clash", "slots": [(timezone.now() - timedelta(days=1)).isoformat()]}
        ),
        content_type=JSON,
    )
    assert past.status_code == 422 and past.json()["errors"][0]["field"] == "slots"
    assert Interview.objects.get(pk=iid).sequence == 0
    r = api_for(alice).post(
        f"/api/v1/interviews/{iid}/cancel",
        json.dumps({"reason": "Took another"}),
        content_type=JSON,
    )
    assert r.status_code == 200 and r.json()["status"] == "cancelled" and r.json()["sequence"] == 1


def test_candidate_never_sees_notes_and_outsiders_see_nothing(
    shortlisted: Application,
    bob: User,
    alice: User,
    carol: User,
    globex: Organisation,
    eve: User,
    api_for,
    client_for,
) -> None:  # type: ignore[no-untyped-def]
    interview = _propose(bob, shortlisted)
    services.interview_note_add(
        actor=bob, interview_id=interview.pk, text="SECRET", would_recommend=1
    )
    iid = interview.pk
    # The candidate: 403 on the notes, and no note text anywhere she can read.
    assert api_for(alice).get(f"/api/v1/interviews/{iid}/notes").status_code == 403
    assert b"SECRET" not in api_for(alice).get(f"/api/v1/interviews/{iid}").content
    assert b"SECRET" not in api_for(alice).get("/api/v1/interviews").content
    assert (
        api_for(alice)
        .post(f"/api/v1/interviews/{iid}/notes", json.dumps({"text": "x"}), content_type=JSON)
        .status_code
        == 403
    )
    assert (
        client_for(alice).post(f"/growth/interviews/{iid}/notes/", {"text": "x"}).status_code == 403
    )
    for user in (carol, eve):
        api, page = api_for(user), client_for(user)
        for url in (
            f"/api/v1/interviews/{iid}",
            f"/api/v1/interviews/{iid}/notes",
            f"/api/v1/interviews/{iid}/calendar.ics",
        ):
            assert api.get(url).status_code == 404, (user, url)
        assert api.get("/api/v1/interviews").json() == []
        for url, payload in (
            (f"/api/v1/interviews/{iid}/pick", {"slot_id": interview.slots.first().pk}),
            (f"/api/v1/interviews/{iid}/cancel", {"reason": "x"}),
            (f"/api/v1/interviews/{iid}/notes", {"text": "x"}),
            (
                f"/api/v1/applications/{shortlisted.pk}/interviews",
                {"slots": [_future(2).isoformat()], "time_zone": "UTC"},
            ),
        ):
            assert api.post(url, json.dumps(payload), content_type=JSON).status_code == 404, url
        for url in (
            f"/growth/interviews/{iid}/",
            f"/growth/interviews/{iid}/invite.ics",
            f"/growth/applications/{shortlisted.pk}/interview/",
        ):
            assert page.get(url).status_code == 404, (user, url)
        assert page.post(f"/growth/interviews/{iid}/cancel/", {"reason": "x"}).status_code == 404
    interview.refresh_from_db()
    assert interview.status == "proposed"
