"""Pure rules about engagements, tested without a database: the state machine,
who may do what, change rounds, milestones, deliverables, reminders and rates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import PurePath
from urllib.parse import urlsplit

# --- States and sides ----------------------------------------------------------------------

FUNDED = "funded"
IN_PROGRESS = "in_progress"
SUBMITTED = "submitted"
CHANGES_REQUESTED = "changes_requested"
APPROVED = "approved"
PAID = "paid"
CANCELLED = "cancelled"
DISPUTED = "disputed"
RESOLVED = "resolved"

STATUSES = frozenset(
    {FUNDED, IN_PROGRESS, SUBMITTED, CHANGES_REQUESTED, APPROVED, PAID, CANCELLED, DISPUTED}
    | {RESOLVED}
)
TERMINAL = frozenset({PAID, CANCELLED, RESOLVED})
# Work has started: leaving now needs an agreed split or a dispute, not a refund.
WORKING = frozenset({IN_PROGRESS, SUBMITTED, CHANGES_REQUESTED})
ACTIVE = STATUSES - TERMINAL

CANDIDATE = "candidate"
EMPLOYER = "employer"
ADMIN = "admin"  # a platform admin (user.is_staff), only for disputes
SYSTEM = "system"  # scheduled tasks (auto-approval)

# --- Actions -------------------------------------------------------------------------------

START = "start"
SUBMIT = "submit"
REQUEST_CHANGES = "request_changes"
APPROVE = "approve"
AUTO_APPROVE = "auto_approve"
RELEASE = "release"
CANCEL = "cancel"  # before work starts: full refund
PROPOSE_SPLIT = "propose_split"  # after work starts: a partial payment (no status change)
SETTLE = "settle"  # the other side accepts the split
DISPUTE = "dispute"
RESPOND = "respond"  # the other side's statement in a dispute (no status change)
RESOLVE = "resolve"

# (status, action) -> (target status, sides allowed). The one table every service checks.
TRANSITIONS: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    (FUNDED, START): (IN_PROGRESS, frozenset({CANDIDATE})),
    (FUNDED, CANCEL): (CANCELLED, frozenset({CANDIDATE, EMPLOYER})),
    (IN_PROGRESS, SUBMIT): (SUBMITTED, frozenset({CANDIDATE})),
    (CHANGES_REQUESTED, SUBMIT): (SUBMITTED, frozenset({CANDIDATE})),
    (SUBMITTED, REQUEST_CHANGES): (CHANGES_REQUESTED, frozenset({EMPLOYER})),
    (SUBMITTED, APPROVE): (APPROVED, frozenset({EMPLOYER})),
    (SUBMITTED, AUTO_APPROVE): (APPROVED, frozenset({SYSTEM})),
    (APPROVED, RELEASE): (PAID, frozenset({EMPLOYER, SYSTEM})),
    (DISPUTED, RESOLVE): (RESOLVED, frozenset({ADMIN})),
    (DISPUTED, RESPOND): (DISPUTED, frozenset({CANDIDATE, EMPLOYER})),
}
for _status in WORKING:
    TRANSITIONS[(_status, PROPOSE_SPLIT)] = (_status, frozenset({CANDIDATE, EMPLOYER}))
    TRANSITIONS[(_status, SETTLE)] = (CANCELLED, frozenset({CANDIDATE, EMPLOYER}))
    TRANSITIONS[(_status, DISPUTE)] = (DISPUTED, frozenset({CANDIDATE, EMPLOYER}))

ACTION_LABELS = {
    START: "start the work",
    SUBMIT: "submit deliverables",
    REQUEST_CHANGES: "request changes",
    APPROVE: "approve",
    AUTO_APPROVE: "auto-approve",
    RELEASE: "release the payment",
    CANCEL: "cancel",
    PROPOSE_SPLIT: "propose a partial payment",
    SETTLE: "accept a partial payment",
    DISPUTE: "open a dispute",
    RESPOND: "answer the dispute",
    RESOLVE: "resolve the dispute",
}


def target_of(status: str, action: str) -> str | None:
    entry = TRANSITIONS.get((status, action))
    return entry[0] if entry else None


def refusal(status: str, action: str, side: str | None) -> str | None:
    """Why `side` may not do `action` in `status`, or None when it may."""
    entry = TRANSITIONS.get((status, action))
    label = ACTION_LABELS.get(action, action)
    if entry is None:
        return f"You cannot {label} while the engagement is {status.replace('_', ' ')}."
    if side not in entry[1]:
        who = " or ".join(sorted(entry[1]))
        return f"Only the {who} can {label} now."
    return None


def allowed_actions(status: str, side: str | None) -> list[str]:
    """The actions `side` may take in `status`, in table order (for pages and the API)."""
    return [a for (s, a), (_, sides) in TRANSITIONS.items() if s == status and side in sides]


# --- Change rounds ---------------------------------------------------------------------------


def change_round_refusal(rounds_used: int, max_rounds: int) -> str | None:
    if rounds_used >= max_rounds:
        return (
            f"You have asked for changes {rounds_used} times, the most allowed. "
            "Approve the work or open a dispute."
        )
    return None


# --- Money -------------------------------------------------------------------------------------


def split_refusal(to_candidate: int, fee: int, released: int = 0) -> str | None:
    """A partial payment or resolution gives the candidate 0..(fee - released) minor
    units: what approved milestones already released is no longer in escrow."""
    if isinstance(to_candidate, bool) or not isinstance(to_candidate, int):
        return "Give a whole amount in minor units."
    if to_candidate < 0:
        return "The amount cannot be negative."
    if to_candidate > fee - released:
        if released:
            return (
                f"The amount cannot be more than the {fee - released} minor units of the fee "
                "still in escrow (approved milestones are already paid)."
            )
        return "The amount cannot be more than the fee."
    return None


@dataclass(frozen=True)
class MilestoneSpec:
    title: str
    amount_minor: int


def milestones_refusal(milestones: list[MilestoneSpec], fee: int) -> tuple[str, str] | None:
    """(field, message) when the milestones are not a valid split of the fee."""
    if len(milestones) > 20:
        return "milestones", "Use at most 20 milestones."
    for i, m in enumerate(milestones):
        if not m.title.strip():
            return f"milestones.{i}.title", "Give each milestone a title."
        if len(m.title.strip()) > 140:
            return f"milestones.{i}.title", "Milestone titles are at most 140 characters."
        if m.amount_minor <= 0:
            return f"milestones.{i}.amount_minor", "Each milestone needs a share above zero."
    if milestones and sum(m.amount_minor for m in milestones) != fee:
        return "milestones", "The milestones' shares must add up to the fee."
    return None


# --- Milestone by milestone ----------------------------------------------------------------
# With milestones, each one is submitted, reviewed and paid on its own, and the
# engagement's status follows them (`status_from_milestones`) instead of moving by
# TRANSITIONS for submit / request changes / approve; the rest of the table
# (start, split, dispute, release when the last one is approved) still applies.

M_PENDING = "pending"
M_SUBMITTED = "submitted"
M_CHANGES_REQUESTED = "changes_requested"
M_APPROVED = "approved"
MILESTONE_STATUSES = frozenset({M_PENDING, M_SUBMITTED, M_CHANGES_REQUESTED, M_APPROVED})
MILESTONE_ACTIONS = frozenset({SUBMIT, REQUEST_CHANGES, APPROVE, AUTO_APPROVE})

# (milestone status, action) -> (target milestone status, sides allowed).
MILESTONE_TRANSITIONS: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    (M_PENDING, SUBMIT): (M_SUBMITTED, frozenset({CANDIDATE})),
    (M_CHANGES_REQUESTED, SUBMIT): (M_SUBMITTED, frozenset({CANDIDATE})),
    (M_SUBMITTED, REQUEST_CHANGES): (M_CHANGES_REQUESTED, frozenset({EMPLOYER})),
    (M_SUBMITTED, APPROVE): (M_APPROVED, frozenset({EMPLOYER})),
    (M_SUBMITTED, AUTO_APPROVE): (M_APPROVED, frozenset({SYSTEM})),
}


def milestone_target_of(status: str, action: str) -> str | None:
    entry = MILESTONE_TRANSITIONS.get((status, action))
    return entry[0] if entry else None


def milestone_refusal(
    engagement_status: str, milestone_status: str, action: str, side: str | None
) -> str | None:
    """Why `side` may not do `action` on a milestone, or None when it may. Milestones
    move only while the work is under way (not before the start, in a dispute or after)."""
    label = ACTION_LABELS.get(action, action)
    if engagement_status not in WORKING:
        return f"You cannot {label} while the engagement is {engagement_status.replace('_', ' ')}."
    entry = MILESTONE_TRANSITIONS.get((milestone_status, action))
    if entry is None:
        state = "approved and paid" if milestone_status == M_APPROVED else milestone_status
        return f"You cannot {label} on a milestone that is {state.replace('_', ' ')}."
    if side not in entry[1]:
        who = " or ".join(sorted(entry[1]))
        return f"Only the {who} can {label} now."
    return None


def allowed_milestone_actions(
    engagement_status: str, milestone_status: str, side: str | None
) -> list[str]:
    return [
        a
        for (s, a), (_, sides) in MILESTONE_TRANSITIONS.items()
        if s == milestone_status and side in sides and engagement_status in WORKING
    ]


def status_from_milestones(statuses: list[str]) -> str:
    """The engagement's status while its milestones are worked on: approved once all
    are; submitted while any waits for review; changes requested while any needs
    rework; otherwise in progress."""
    if not statuses:
        raise ValueError("No milestones")
    if all(s == M_APPROVED for s in statuses):
        return APPROVED
    if M_SUBMITTED in statuses:
        return SUBMITTED
    if M_CHANGES_REQUESTED in statuses:
        return CHANGES_REQUESTED
    return IN_PROGRESS


def effective_hourly_rate(fee_minor: int, minutes: int) -> int | None:
    """Fee per hour worked, in minor units (rounded down), or None before any hours."""
    if minutes <= 0:
        return None
    return fee_minor * 60 // minutes


# --- Deliverables --------------------------------------------------------------------------

DELIVERABLE_EXTENSIONS = frozenset(
    {
        ".pdf", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".txt", ".md", ".csv", ".json",
        ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".zip", ".ipynb", ".py", ".sql",
    }
)  # fmt: skip
MAX_FILES = 10
MAX_LINKS = 10
MAX_TEXT = 10_000


def file_refusal(name: str, size: int, max_bytes: int) -> str | None:
    ext = PurePath(name).suffix.lower()
    if ext not in DELIVERABLE_EXTENSIONS:
        allowed = ", ".join(sorted(e.lstrip(".") for e in DELIVERABLE_EXTENSIONS))
        return f"Upload one of these file types: {allowed}."
    if size > max_bytes:
        return f"Files can be at most {max_bytes // (1024 * 1024) or 1} MB."
    if size == 0:
        return "The file is empty."
    return None


def link_refusal(url: str) -> str | None:
    if len(url) > 500:
        return "Links are at most 500 characters."
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "Links start with http:// or https://."
    return None


# --- Auto-approval -------------------------------------------------------------------------

REMINDER_DAYS_BEFORE = (2, 1)  # reminders go out this many days before auto-approval


def auto_approve_at(submitted_at: datetime, days: int) -> datetime:
    return submitted_at + timedelta(days=days)


def reminders_due(submitted_at: datetime, now: datetime, days: int, sent: int) -> int:
    """How many reminders should have gone out by `now` (≥ `sent`); the caller sends
    one when this grows and stores it, so each reminder goes out once."""
    deadline = auto_approve_at(submitted_at, days)
    due = sum(1 for d in REMINDER_DAYS_BEFORE if now >= deadline - timedelta(days=d))
    return max(due, sent)


def is_auto_approval_due(submitted_at: datetime, now: datetime, days: int) -> bool:
    return now >= auto_approve_at(submitted_at, days)


# --- Who acts next --------------------------------------------------------------------------


def next_step(*, status: str, side: str, employer: str, candidate: str, funded: bool) -> str:
    """One sentence for each party saying who must act next, in every state
    (issue 14: nobody is left on a page that says nothing)."""
    mine = side == EMPLOYER
    if status == FUNDED and not funded:
        return (
            "Waiting for your payment to reach escrow; the work starts once it has."
            if mine
            else f"Waiting for {employer}'s payment to reach escrow; you start once it has."
        )
    waiting_on_candidate = {
        FUNDED: ("start the work", "start the work"),
        IN_PROGRESS: ("submit the deliverables", "submit the deliverables"),
        CHANGES_REQUESTED: ("submit the changes", "submit the changes you asked for"),
    }
    if status in waiting_on_candidate:
        own, theirs = waiting_on_candidate[status]
        return f"Waiting for {candidate} to {theirs}." if mine else f"Waiting for you to {own}."
    if status == SUBMITTED:
        return (
            "Waiting for you to review the submission: approve it or request changes."
            if mine
            else f"Waiting for {employer} to review your submission; it is approved "
            "automatically if they do not answer in time."
        )
    if status == APPROVED:
        return "Approved: the payment is being released; nobody needs to act."
    if status == PAID:
        return "Paid and done: nobody needs to act. Leave a review if you have not."
    if status == CANCELLED:
        return "Cancelled: nobody needs to act."
    if status == DISPUTED:
        return (
            "Waiting for a platform admin to resolve the dispute; add your statement "
            "if you have not."
        )
    if status == RESOLVED:
        return "Resolved by a platform admin: nobody needs to act."
    return "Nobody needs to act."
