"""Pure rules about applications and offers, tested without a database.

The transition table mirrors DESIGN.md:
`submitted → shortlisted → offered → accepted`, with exits `declined` (by the
employer), `auto_declined` (the platform: closed, filled or timed out),
`withdrawn` (by the candidate), `offer_declined` and `offer_expired`.

Interviews: slot checks, time zones and calendar files (RFC 5545).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC as _UTC
from datetime import date, datetime, timedelta
from pathlib import PurePath
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from stint.opportunities.rules import pay_too_low_message, pays_enough

CANDIDATE = "candidate"
EMPLOYER = "employer"
SYSTEM = "system"

SUBMITTED = "submitted"
SHORTLISTED = "shortlisted"
OFFERED = "offered"
ACCEPTED = "accepted"
DECLINED = "declined"
AUTO_DECLINED = "auto_declined"
WITHDRAWN = "withdrawn"
OFFER_DECLINED = "offer_declined"
OFFER_EXPIRED = "offer_expired"

OPEN = frozenset({SUBMITTED, SHORTLISTED, OFFERED})
TERMINAL = frozenset({ACCEPTED, DECLINED, AUTO_DECLINED, WITHDRAWN, OFFER_DECLINED, OFFER_EXPIRED})

# (from, to) → who may make that move.
TRANSITIONS: dict[tuple[str, str], str] = {
    (SUBMITTED, SHORTLISTED): EMPLOYER,
    (SUBMITTED, DECLINED): EMPLOYER,
    (SUBMITTED, WITHDRAWN): CANDIDATE,
    (SUBMITTED, AUTO_DECLINED): SYSTEM,
    (SHORTLISTED, OFFERED): EMPLOYER,
    (SHORTLISTED, DECLINED): EMPLOYER,
    (SHORTLISTED, WITHDRAWN): CANDIDATE,
    (SHORTLISTED, AUTO_DECLINED): SYSTEM,
    (OFFERED, ACCEPTED): CANDIDATE,
    (OFFERED, OFFER_DECLINED): CANDIDATE,
    (OFFERED, WITHDRAWN): CANDIDATE,
    (OFFERED, OFFER_EXPIRED): SYSTEM,
    (OFFERED, AUTO_DECLINED): SYSTEM,
    # The employer withdraws a sent offer before it is answered: back to the shortlist.
    (OFFERED, SHORTLISTED): EMPLOYER,
    # A declined or expired offer is not the end: the employer may offer again.
    (OFFER_DECLINED, OFFERED): EMPLOYER,
    (OFFER_EXPIRED, OFFERED): EMPLOYER,
}

# Closed for the candidate, but the employer may reopen them with a new offer.
REOPENABLE = frozenset({OFFER_DECLINED, OFFER_EXPIRED})

# The employer's moves that count as "a first decision" for response stats.
EMPLOYER_DECISIONS = frozenset({SHORTLISTED, DECLINED, OFFERED})

_VERBS = {
    SHORTLISTED: "shortlist",
    DECLINED: "decline",
    WITHDRAWN: "withdraw",
    AUTO_DECLINED: "close",
    OFFERED: "make an offer on",
    ACCEPTED: "accept",
    OFFER_DECLINED: "decline the offer on",
    OFFER_EXPIRED: "expire the offer on",
}


def can_transition(current: str, target: str, actor: str) -> bool:
    return TRANSITIONS.get((current, target)) == actor


def transition_refusal(current: str, target: str, actor: str) -> str | None:
    """None when the move is allowed, else a sentence saying why not."""
    if can_transition(current, target, actor):
        return None
    who = TRANSITIONS.get((current, target))
    if who is not None:
        return f"Only the {who} can do that."
    label = current.replace("_", " ")
    return f"You cannot {_VERBS.get(target, target)} an application that is {label}."


def is_open(status: str) -> bool:
    return status in OPEN


# --- Applying -------------------------------------------------------------------------


def may_see_for_applying(*, status: str, visibility: str, affiliated: bool, invited: bool) -> bool:
    """Whether a candidate may know the opportunity exists (else: not found)."""
    if status not in {"published", "closed", "filled"}:
        return False
    if visibility == "institutions":
        return affiliated or invited
    if visibility == "invite_only":
        return invited
    return True


def apply_window_refusal(*, status: str, apply_by: date | None, today: date) -> str | None:
    if status != "published":
        return "This opportunity is no longer taking applications."
    if apply_by is not None and today > apply_by:
        return f"Applications closed on {apply_by:%d %B %Y}."
    return None


def open_cap_refusal(open_count: int, cap: int) -> str | None:
    if open_count >= cap:
        return (
            f"You have {open_count} open applications, the most you can have at once ({cap}). "
            "Withdraw one, or wait for an answer, before applying again."
        )
    return None


def missing_required(questions: Iterable[tuple[int, bool]], answers: dict[int, str]) -> list[int]:
    """Ids of required questions (id, required) without a non-blank answer, in order."""
    return [qid for qid, required in questions if required and not answers.get(qid, "").strip()]


# --- Offers ---------------------------------------------------------------------------


def offer_scope(summary: str, deliverables: str) -> str:
    summary = summary.strip()
    deliverables = deliverables.strip()
    return f"{summary}\n\nDeliverables:\n{deliverables}" if deliverables else summary


def offer_fee_refusal(
    fee_minor: int, currency: str, estimated_hours: int, min_hourly_minor: int
) -> str | None:
    """The posting's pay floor, applied to an offer (the same rule, one place):
    None when the fee pays enough for the posting's hours, else why not."""
    if fee_minor <= 0 or not pays_enough(fee_minor, estimated_hours, min_hourly_minor):
        return pay_too_low_message(currency, estimated_hours, min_hourly_minor)
    return None


def next_step(
    *,
    side: str,
    status: str,
    offer_status: str | None,
    employer: str,
    candidate: str,
    countered: bool = False,
) -> str:
    """One sentence for each party saying who must act next, for every state of
    an application and its latest offer: nobody is left wondering (issue 14)."""
    mine = side == EMPLOYER
    if status == SUBMITTED:
        return (
            f"Waiting for you to shortlist or decline {candidate}."
            if mine
            else f"Waiting for {employer} to review your application."
        )
    if status == SHORTLISTED:
        if offer_status == "withdrawn":
            return (
                "You withdrew your offer: make a new one or decline."
                if mine
                else f"{employer} withdrew its offer; waiting for {employer} to decide again."
            )
        return (
            f"Waiting for you to make {candidate} an offer or decline."
            if mine
            else f"You are shortlisted: waiting for {employer} to make an offer or decide."
        )
    if status == OFFERED:
        if countered:
            return (
                f"{candidate} proposed another fee: revise your offer or keep it."
                if mine
                else f"Waiting for {employer} to answer your proposal; you can still accept "
                "the offer as it is."
            )
        return (
            f"Waiting for {candidate} to accept or decline your offer; you can revise or "
            "withdraw it until then."
            if mine
            else "Waiting for you to accept or decline the offer, or propose another fee."
        )
    if status == ACCEPTED:
        return (
            f"{candidate} accepted: the work continues in the engagement."
            if mine
            else "You accepted: the work continues in the engagement."
        )
    if status == OFFER_DECLINED:
        return (
            f"{candidate} declined your offer: you may make a new offer."
            if mine
            else f"You declined the offer. {employer} may make you a new one; "
            "nothing for you to do."
        )
    if status == OFFER_EXPIRED:
        return (
            f"The offer expired unanswered: you may make {candidate} a new offer."
            if mine
            else f"The offer expired. {employer} may make you a new one; nothing for you to do."
        )
    if status == DECLINED:
        return (
            "You declined this application; nobody needs to act."
            if mine
            else f"{employer} declined your application; nobody needs to act. "
            "Browse other projects."
        )
    if status == AUTO_DECLINED:
        return (
            "Closed by the platform (the opportunity closed, filled or timed out); "
            "nobody needs to act."
            if mine
            else "Closed without selection; nobody needs to act. Browse other projects."
        )
    if status == WITHDRAWN:
        return (
            f"{candidate} withdrew; nobody needs to act."
            if mine
            else "You withdrew; nobody needs to act."
        )
    return "Nobody needs to act."


def offer_is_expired(expires_at: datetime, now: datetime) -> bool:
    return expires_at <= now


def openings_after_accept(openings: int, filled: int) -> tuple[int, bool]:
    """(new filled count, whether that fills the opportunity). Raises when already full."""
    if filled >= openings:
        raise ValueError("no openings left")
    return filled + 1, filled + 1 >= openings


# --- No ghosting ----------------------------------------------------------------------


def is_stale(*, status: str, last_employer_move: datetime, now: datetime, days: int) -> bool:
    """Submitted or shortlisted with no employer action for `days`."""
    return status in {SUBMITTED, SHORTLISTED} and last_employer_move <= now - timedelta(days=days)


def _fit_line(fit_explanation: list[str]) -> str:
    return (
        f" For your next application, what we saw: {fit_explanation[0]}" if fit_explanation else ""
    )


def auto_decline_message(
    *, reason: str, employer: str, title: str, fit_explanation: list[str], days: int = 0
) -> tuple[str, str]:
    """(title, body) of the kind, specific note a candidate gets when the
    platform closes their application. `reason`: filled | closed | stale."""
    fit = _fit_line(fit_explanation)
    if reason == "filled":
        return (
            f"{title} has been filled",
            f"{employer} filled '{title}' after choosing another candidate. "
            f"Thank you for applying; this was about the openings, not about you.{fit} "
            "Your application no longer counts toward your open applications.",
        )
    if reason == "closed":
        return (
            f"{title} was closed",
            f"{employer} closed '{title}' without taking it further, so your application "
            f"is closed too. Nothing you did caused this.{fit} "
            "Your application no longer counts toward your open applications.",
        )
    return (
        f"Your application to {title} was closed",
        f"{employer} has not answered your application to '{title}' in {days} days, so we "
        f"closed it rather than leave you waiting.{fit} "
        "It no longer counts toward your open applications; keep going.",
    )


# --- Employer response stats ------------------------------------------------------------


@dataclass(frozen=True)
class ResponseStats:
    window_days: int
    considered: int  # applications old enough to judge, or already answered
    answered_in_window: int
    response_rate: float | None  # 0..1, None when nothing to judge
    median_response_hours: float | None

    @property
    def response_rate_percent(self) -> int | None:
        return None if self.response_rate is None else round(self.response_rate * 100)

    @property
    def median_response_days(self) -> float | None:
        if self.median_response_hours is None:
            return None
        return round(self.median_response_hours / 24, 1)


def response_stats(
    samples: Iterable[tuple[datetime, datetime | None]], *, now: datetime, window_days: int
) -> ResponseStats:
    """From (applied at, first employer decision at) pairs: the share answered within
    `window_days`, and the median time to a first decision. Applications younger
    than the window and not yet answered are not judged yet."""
    window = timedelta(days=window_days)
    considered = answered = 0
    delays: list[float] = []
    for applied_at, responded_at in samples:
        if responded_at is not None:
            delays.append((responded_at - applied_at).total_seconds() / 3600)
        if responded_at is None and applied_at > now - window:
            continue
        considered += 1
        if responded_at is not None and responded_at - applied_at <= window:
            answered += 1
    return ResponseStats(
        window_days=window_days,
        considered=considered,
        answered_in_window=answered,
        response_rate=(answered / considered) if considered else None,
        median_response_hours=round(statistics.median(delays), 1) if delays else None,
    )


# --- Messaging ---------------------------------------------------------------------------

ATTACHMENT_EXTENSIONS = frozenset(
    {".pdf", ".png", ".jpg", ".jpeg", ".gif", ".txt", ".md", ".csv", ".docx", ".xlsx", ".pptx"}
)
THREAD_CLOSES_AFTER_DAYS = 30


def attachment_refusal(name: str, size: int, max_bytes: int) -> str | None:
    ext = PurePath(name).suffix.lower()
    if ext not in ATTACHMENT_EXTENSIONS:
        allowed = ", ".join(sorted(e.lstrip(".") for e in ATTACHMENT_EXTENSIONS))
        return f"Attach one of these file types: {allowed}."
    if size > max_bytes:
        return f"Attachments can be at most {max_bytes // (1024 * 1024) or 1} MB."
    if size == 0:
        return "The attached file is empty."
    return None


def thread_is_closed(*, status: str, closed_at: datetime | None, now: datetime) -> bool:
    """Threads of applications that ended over 30 days ago take no new messages."""
    return (
        status in TERMINAL
        and status != ACCEPTED
        and closed_at is not None
        and closed_at <= now - timedelta(days=THREAD_CLOSES_AFTER_DAYS)
    )


# --- Interviews (and their calendar files, RFC 5545) -------------------------------------------------------------------------

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
