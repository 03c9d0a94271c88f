"""Rules of career growth that need no database: calendar files (RFC 5545),
interview slot checks, the engagement mid-point, explore re-ranking and its
reasons, reference-link lifetimes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC as _UTC
from datetime import date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

T = TypeVar("T")

CANDIDATE = "candidate"
EMPLOYER = "employer"

# --- Interviews -------------------------------------------------------------------------

MAX_SLOTS = 5
MIN_DURATION, MAX_DURATION = 15, 240
MAX_DAYS_AHEAD = 90


def other_side(side: str) -> str:
    return EMPLOYER if side == CANDIDATE else CANDIDATE


def zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def slots_refusal(
    starts: Sequence[datetime], *, now: datetime, duration_minutes: int
) -> tuple[str, str] | None:
    """(code, message) when a set of proposed slot starts cannot be offered."""
    if not MIN_DURATION <= duration_minutes <= MAX_DURATION:
        return (
            "bad_duration",
            f"An interview lasts {MIN_DURATION} to {MAX_DURATION} minutes.",
        )
    if not starts:
        return "no_slots", "Offer at least one time."
    if len(starts) > MAX_SLOTS:
        return "too_many_slots", f"Offer at most {MAX_SLOTS} times."
    for s in starts:
        if s.tzinfo is None:
            return "naive_time", "Give times with a time zone (UTC)."
        if s <= now:
            return "slot_in_past", "Every time offered must be in the future."
        if s > now + timedelta(days=MAX_DAYS_AHEAD):
            return "slot_too_far", f"Offer times within the next {MAX_DAYS_AHEAD} days."
    if len({s.astimezone(_UTC) for s in starts}) != len(starts):
        return "duplicate_slot", "Each time may be offered once."
    return None


def in_zone(when: datetime, zone_name: str) -> str:
    """`2025-03-04 14:00 (Europe/London)`; UTC when the zone is unknown."""
    tz = zone(zone_name) or ZoneInfo("UTC")
    local = when.astimezone(tz)
    return f"{local:%a %d %b %Y, %H:%M} ({tz.key})"


# --- Calendar files (RFC 5545) ------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    email: str


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    sequence: int
    starts_at: datetime
    ends_at: datetime
    summary: str
    description: str
    organizer: Person
    attendees: tuple[Person, ...]
    stamp: datetime
    location: str = ""
    url: str = ""
    cancelled: bool = False


def _utc(when: datetime) -> str:
    return when.astimezone(_UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _param(value: str) -> str:
    """A parameter value (CN=...): quoted, without the characters it may not hold."""
    clean = value.replace('"', "'").replace("\r", " ").replace("\n", " ")
    return f'"{clean}"'


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never splitting a character."""
    out: list[str] = []
    current = b""
    limit = 75
    for ch in line:
        b = ch.encode("utf-8")
        if len(current) + len(b) > limit:
            out.append(current.decode("utf-8"))
            current = b" " + b
            limit = 75
        else:
            current += b
    out.append(current.decode("utf-8"))
    return "\r\n".join(out)


def unfold(text: str) -> list[str]:
    """The content lines of an iCalendar text, unfolded (for reading our own files)."""
    lines: list[str] = []
    for raw in text.split("\r\n"):
        if raw.startswith((" ", "\t")) and lines:
            lines[-1] += raw[1:]
        elif raw:
            lines.append(raw)
    return lines


def ics(event: CalendarEvent) -> str:
    """A VCALENDAR with one VEVENT: METHOD:REQUEST, or METHOD:CANCEL when cancelled."""
    method = "CANCEL" if event.cancelled else "REQUEST"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Stint//Interviews//EN",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"SEQUENCE:{event.sequence}",
        f"DTSTAMP:{_utc(event.stamp)}",
        f"DTSTART:{_utc(event.starts_at)}",
        f"DTEND:{_utc(event.ends_at)}",
        f"SUMMARY:{_text(event.summary)}",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{_text(event.description)}")
    if event.location or event.url:
        lines.append(f"LOCATION:{_text(event.location or event.url)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    lines.append(f"ORGANIZER;CN={_param(event.organizer.name)}:mailto:{event.organizer.email}")
    for a in event.attendees:
        lines.append(
            f"ATTENDEE;CN={_param(a.name)};ROLE=REQ-PARTICIPANT;"
            f"PARTSTAT={'DECLINED' if event.cancelled else 'ACCEPTED'}:mailto:{a.email}"
        )
    lines.append(f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(fold(line) for line in lines) + "\r\n"


# --- Engagement goals and feedback ----------------------------------------------------------

MAX_GOALS = 3
GOAL_STATUSES = frozenset({"funded", "in_progress"})
COMPLETED = frozenset({"approved", "paid"})
FEEDBACK_STATUSES = frozenset({"in_progress", "submitted", "changes_requested"})


def midpoint(start: date | None, due: date | None) -> date | None:
    if start is None or due is None or due < start:
        return None
    return start + (due - start) / 2


def feedback_open(
    *, status: str, today: date, start: date | None, due: date | None, submitted: bool
) -> bool:
    """The candidate may ask for mid-point feedback: the work is under way and
    either half the time has passed or a first version was submitted."""
    if status not in FEEDBACK_STATUSES and status != "funded":
        return False
    if submitted or status in ("submitted", "changes_requested"):
        return True
    mid = midpoint(start, due)
    return mid is not None and today >= mid


# --- Explore --------------------------------------------------------------------------------

EXPLORE_KEEP = 7
EXPLORE_K = 10


def explore(order: Sequence[T], is_new: Callable[[T], bool], *, k: int = EXPLORE_K) -> list[T]:
    """Keep the first EXPLORE_KEEP (scaled to k), then fill with the best-ranked
    items that are new to the candidate; the rest follow in their order. The
    same re-ranking the engine measures offline (`eval recommend --mode explore`)."""
    keep = max(0, k - (EXPLORE_K - EXPLORE_KEEP))
    head = list(order[:keep])
    fresh = [x for x in order[keep:] if is_new(x)][: k - keep]
    rest = [x for x in order[keep:] if x not in fresh]
    return (head + fresh + rest)[:k]


def join_labels(labels: Sequence[str], limit: int = 3) -> str:
    labels = list(dict.fromkeys(labels))[:limit]
    if not labels:
        return ""
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def explore_reason(transferring: Sequence[str], occupation: str, industry: str = "") -> str:
    """'Your SQL and data cleaning transfer to health informatics.'"""
    where = occupation or industry or "this field"
    if not transferring:
        return f"A step into {where}, new to you."
    verb = "transfers" if len(list(dict.fromkeys(transferring))[:3]) == 1 else "transfer"
    return f"Your {join_labels(transferring)} {verb} to {where}."


# --- References --------------------------------------------------------------------------

SHARE_DAYS_DEFAULT = 14
SHARE_DAYS_MAX = 90


def share_days_refusal(days: int) -> str | None:
    if not 1 <= days <= SHARE_DAYS_MAX:
        return f"A link lasts 1 to {SHARE_DAYS_MAX} days."
    return None
