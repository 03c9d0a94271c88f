"""Interview rules and calendar files (moved with interviews from growth)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from stint.applications import rules

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def _event(**kw: object) -> rules.CalendarEvent:
    base: dict[str, object] = {
        "uid": "abc@stint",
        "sequence": 0,
        "starts_at": datetime(2025, 3, 4, 14, 0, tzinfo=UTC),
        "ends_at": datetime(2025, 3, 4, 14, 30, tzinfo=UTC),
        "summary": "Interview: Data, cleanup; and more",
        "description": "Line one\nLine two " + "x" * 120,
        "organizer": rules.Person("Bob (Acme)", "bob@acme.example"),
        "attendees": (rules.Person('Alice "A" Candidate', "alice@example.com"),),
        "stamp": NOW,
        "url": "https://meet.example/abc",
    }
    base.update(kw)
    return rules.CalendarEvent(**base)  # type: ignore[arg-type]


def _props(text: str) -> dict[str, str]:
    out = {}
    for line in rules.unfold(text):
        name, _, value = line.partition(":")
        out.setdefault(name.split(";")[0], value)
    return out


def test_ics_is_crlf_folded_and_has_the_required_properties() -> None:
    text = rules.ics(_event())
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    for raw in text.split("\r\n"):
        assert len(raw.encode()) <= 75
    lines = rules.unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert lines.index("BEGIN:VEVENT") < lines.index("END:VEVENT")
    p = _props(text)
    assert p["VERSION"] == "2.0" and p["METHOD"] == "REQUEST"
    assert p["UID"] == "abc@stint"
    assert p["SEQUENCE"] == "0"
    assert p["DTSTAMP"] == "20250301T120000Z"
    assert p["DTSTART"] == "20250304T140000Z" and p["DTEND"] == "20250304T143000Z"
    assert p["SUMMARY"] == "Interview: Data\\, cleanup\\; and more"
    assert p["DESCRIPTION"].startswith("Line one\\nLine two")
    assert p["LOCATION"] == "https://meet.example/abc" and p["URL"] == "https://meet.example/abc"
    assert p["ORGANIZER"] == "mailto:bob@acme.example"
    assert p["ATTENDEE"] == "mailto:alice@example.com"
    attendee = next(x for x in lines if x.startswith("ATTENDEE"))
    assert "CN=\"Alice 'A' Candidate\"" in attendee
    assert p["STATUS"] == "CONFIRMED"


def test_ics_cancel_and_zone_conversion() -> None:
    local = datetime(2025, 3, 4, 9, 0, tzinfo=rules.zone("America/New_York"))
    text = rules.ics(
        _event(
            sequence=3,
            cancelled=True,
            starts_at=local,
            ends_at=local + timedelta(minutes=30),
        )
    )
    p = _props(text)
    assert p["METHOD"] == "CANCEL" and p["STATUS"] == "CANCELLED" and p["SEQUENCE"] == "3"
    assert p["DTSTART"] == "20250304T140000Z"  # 09:00 EST is 14:00 UTC


def test_fold_never_splits_a_character() -> None:
    line = "SUMMARY:" + "é" * 100
    folded = rules.fold(line)
    for part in folded.split("\r\n"):
        assert len(part.encode()) <= 75
        part.encode().decode("utf-8")
    assert rules.unfold(folded + "\r\n") == [line]


def test_slots_refusal() -> None:
    future = NOW + timedelta(days=2)
    assert rules.slots_refusal([future], now=NOW, duration_minutes=30) is None
    assert rules.slots_refusal([], now=NOW, duration_minutes=30)[0] == "no_slots"  # type: ignore[index]
    assert rules.slots_refusal([NOW - timedelta(hours=1)], now=NOW, duration_minutes=30)[0] == (  # type: ignore[index]
        "slot_in_past"
    )
    assert rules.slots_refusal([future, future], now=NOW, duration_minutes=30)[0] == (  # type: ignore[index]
        "duplicate_slot"
    )
    assert rules.slots_refusal([future], now=NOW, duration_minutes=5)[0] == "bad_duration"  # type: ignore[index]
    assert rules.slots_refusal([future.replace(tzinfo=None)], now=NOW, duration_minutes=30)[0] == (  # type: ignore[index]
        "naive_time"
    )
    assert rules.slots_refusal([NOW + timedelta(days=200)], now=NOW, duration_minutes=30)[0] == (  # type: ignore[index]
        "slot_too_far"
    )


def test_in_zone_shows_the_local_time() -> None:
    when = datetime(2025, 7, 1, 14, 0, tzinfo=UTC)
    assert rules.in_zone(when, "Europe/London") == "Tue 01 Jul 2025, 15:00 (Europe/London)"
    assert rules.in_zone(when, "Nowhere/Land").endswith("14:00 (UTC)")


def test_each_side_of_an_interview_answers_the_other() -> None:
    assert rules.other_side(rules.CANDIDATE) == rules.EMPLOYER
    assert rules.other_side(rules.EMPLOYER) == rules.CANDIDATE


def test_at_most_five_interview_times_are_offered() -> None:
    starts = [NOW + timedelta(days=1, hours=h) for h in range(rules.MAX_SLOTS + 1)]
    refusal = rules.slots_refusal(starts, now=NOW, duration_minutes=30)
    assert refusal == ("too_many_slots", "Offer at most 5 times.")
