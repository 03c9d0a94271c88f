"""The transition table and other pure rules, without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from stint.applications import rules
from stint.applications.models import ApplicationStatus

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

ALLOWED = {
    ("submitted", "shortlisted", "employer"),
    ("submitted", "declined", "employer"),
    ("submitted", "withdrawn", "candidate"),
    ("submitted", "auto_declined", "system"),
    ("shortlisted", "offered", "employer"),
    ("shortlisted", "declined", "employer"),
    ("shortlisted", "withdrawn", "candidate"),
    ("shortlisted", "auto_declined", "system"),
    ("offered", "accepted", "candidate"),
    ("offered", "offer_declined", "candidate"),
    ("offered", "withdrawn", "candidate"),
    ("offered", "offer_expired", "system"),
    ("offered", "auto_declined", "system"),
    # Issue 14: the employer withdraws an unanswered offer, or offers again after a
    # declined or expired one.
    ("offered", "shortlisted", "employer"),
    ("offer_declined", "offered", "employer"),
    ("offer_expired", "offered", "employer"),
}


def test_the_table_is_exactly_the_design() -> None:
    statuses = ApplicationStatus.values
    for current in statuses:
        for target in statuses:
            for actor in ("candidate", "employer", "system"):
                expected = (current, target, actor) in ALLOWED
                assert rules.can_transition(current, target, actor) is expected, (
                    current,
                    target,
                    actor,
                )


def test_every_status_is_open_or_terminal_and_terminal_ones_go_nowhere() -> None:
    assert set(ApplicationStatus.values) == rules.OPEN | rules.TERMINAL
    assert not rules.OPEN & rules.TERMINAL
    for current, target in rules.TRANSITIONS:
        # Only a new offer by the employer leaves a declined or expired offer.
        assert current in rules.OPEN or (current in rules.REOPENABLE and target == "offered"), (
            current,
            target,
        )
    assert rules.REOPENABLE <= rules.TERMINAL


def test_refusals_say_why() -> None:
    assert rules.transition_refusal("submitted", "shortlisted", "employer") is None
    assert rules.transition_refusal("submitted", "shortlisted", "candidate") == (
        "Only the employer can do that."
    )
    assert "accepted" in (rules.transition_refusal("accepted", "withdrawn", "candidate") or "")
    assert "submitted" in (rules.transition_refusal("submitted", "offered", "employer") or "")


@pytest.mark.parametrize(
    ("status", "visibility", "affiliated", "invited", "seen"),
    [
        ("published", "public", False, False, True),
        ("draft", "public", False, True, False),
        ("archived", "public", False, False, False),
        ("closed", "public", False, False, True),
        ("published", "institutions", False, False, False),
        ("published", "institutions", True, False, True),
        ("published", "institutions", False, True, True),
        ("published", "invite_only", True, False, False),
        ("published", "invite_only", False, True, True),
    ],
)
def test_who_may_see_an_opportunity_to_apply(
    status: str, visibility: str, affiliated: bool, invited: bool, seen: bool
) -> None:
    assert (
        rules.may_see_for_applying(
            status=status, visibility=visibility, affiliated=affiliated, invited=invited
        )
        is seen
    )


def test_apply_window() -> None:
    today = date(2026, 3, 1)
    assert rules.apply_window_refusal(status="published", apply_by=None, today=today) is None
    assert rules.apply_window_refusal(status="published", apply_by=today, today=today) is None
    assert "closed on 28 February 2026" in (
        rules.apply_window_refusal(
            status="published", apply_by=today - timedelta(days=1), today=today
        )
        or ""
    )
    assert rules.apply_window_refusal(status="filled", apply_by=None, today=today)


def test_open_cap_message_is_clear() -> None:
    assert rules.open_cap_refusal(9, 10) is None
    message = rules.open_cap_refusal(10, 10) or ""
    assert "10 open applications" in message and "Withdraw one" in message


def test_missing_required_answers() -> None:
    questions = [(1, True), (2, False), (3, True)]
    assert rules.missing_required(questions, {1: "yes", 3: "  "}) == [3]
    assert rules.missing_required(questions, {1: "a", 3: "b"}) == []


def test_openings_after_accept() -> None:
    assert rules.openings_after_accept(2, 0) == (1, False)
    assert rules.openings_after_accept(2, 1) == (2, True)
    with pytest.raises(ValueError):
        rules.openings_after_accept(1, 1)


def test_stale_means_no_employer_move_for_n_days() -> None:
    old = NOW - timedelta(days=21)
    assert rules.is_stale(status="submitted", last_employer_move=old, now=NOW, days=21)
    assert rules.is_stale(status="shortlisted", last_employer_move=old, now=NOW, days=21)
    assert not rules.is_stale(status="offered", last_employer_move=old, now=NOW, days=21)
    assert not rules.is_stale(
        status="submitted", last_employer_move=NOW - timedelta(days=20), now=NOW, days=21
    )


def test_auto_decline_messages_are_kind_and_specific() -> None:
    why = ["Your profile matches 4 of 5 skills (Python, SQL, …)."]
    title, body = rules.auto_decline_message(
        reason="filled", employer="Acme", title="Data cleanup", fit_explanation=why
    )
    assert "Data cleanup" in title
    assert "Acme filled 'Data cleanup' after choosing another candidate" in body
    assert "matches 4 of 5 skills" in body and "not about you" in body
    _, body = rules.auto_decline_message(
        reason="stale", employer="Acme", title="Data cleanup", fit_explanation=[], days=21
    )
    assert "21 days" in body and "rather than leave you waiting" in body
    _, body = rules.auto_decline_message(
        reason="closed", employer="Acme", title="Data cleanup", fit_explanation=[]
    )
    assert "Acme closed 'Data cleanup'" in body


def test_response_stats() -> None:
    day = timedelta(days=1)
    samples = [
        (NOW - 20 * day, NOW - 19 * day),  # answered in 1 day
        (NOW - 20 * day, NOW - 17 * day),  # 3 days
        (NOW - 20 * day, NOW - 5 * day),  # 15 days: answered, but late
        (NOW - 20 * day, None),  # never answered: counts against
        (NOW - 2 * day, None),  # too young to judge
    ]
    stats = rules.response_stats(samples, now=NOW, window_days=7)
    assert stats.considered == 4 and stats.answered_in_window == 2
    assert stats.response_rate == 0.5 and stats.response_rate_percent == 50
    assert stats.median_response_hours == 72.0 and stats.median_response_days == 3.0
    empty = rules.response_stats([], now=NOW, window_days=7)
    assert empty.response_rate is None and empty.median_response_hours is None


def test_attachments() -> None:
    mb = 1024 * 1024
    assert rules.attachment_refusal("report.PDF", 1000, mb) is None
    assert "file types" in (rules.attachment_refusal("run.exe", 10, mb) or "")
    assert "file types" in (rules.attachment_refusal("noext", 10, mb) or "")
    assert "at most 1 MB" in (rules.attachment_refusal("a.pdf", mb + 1, mb) or "")
    assert rules.attachment_refusal("a.pdf", 0, mb)


def test_threads_close_30_days_after_an_ending() -> None:
    long_ago = NOW - timedelta(days=31)
    assert rules.thread_is_closed(status="declined", closed_at=long_ago, now=NOW)
    assert not rules.thread_is_closed(status="accepted", closed_at=long_ago, now=NOW)
    assert not rules.thread_is_closed(status="declined", closed_at=NOW, now=NOW)
    assert not rules.thread_is_closed(status="submitted", closed_at=None, now=NOW)


def test_offer_scope_snapshot() -> None:
    assert rules.offer_scope(" Do X ", "A file") == "Do X\n\nDeliverables:\nA file"
    assert rules.offer_scope("Do X", "") == "Do X"


def test_only_submitted_shortlisted_and_offered_are_open() -> None:
    assert {s for s in ApplicationStatus.values if rules.is_open(s)} == {
        "submitted",
        "shortlisted",
        "offered",
    }


def test_an_offer_below_the_pay_floor_is_refused_with_the_floor() -> None:
    assert rules.offer_fee_refusal(50_000, "USD", 10, 1_500) is None
    low = rules.offer_fee_refusal(10_000, "USD", 10, 1_500)
    assert low is not None and "for 10 hours the fee must be at least" in low
    assert rules.offer_fee_refusal(0, "USD", 10, 0) is not None  # an offer always pays


@pytest.mark.parametrize("status", ApplicationStatus.values)
def test_each_party_is_told_who_acts_next_in_every_state(status: str) -> None:
    said = {
        side: rules.next_step(
            side=side, status=status, offer_status=None, employer="Acme", candidate="Alice"
        )
        for side in (rules.EMPLOYER, rules.CANDIDATE)
    }
    assert said[rules.EMPLOYER] != said[rules.CANDIDATE]
    assert "Nobody needs to act." not in said.values()  # every state has its own sentence
    if status in rules.OPEN:
        assert "Waiting for" in said[rules.EMPLOYER] + said[rules.CANDIDATE]


def test_next_step_after_a_withdrawn_offer_and_a_counter_proposal() -> None:
    def step(side: str, status: str, **kw: object) -> str:
        return rules.next_step(side=side, status=status, employer="Acme", candidate="Alice", **kw)  # type: ignore[arg-type]

    assert step(rules.EMPLOYER, "shortlisted", offer_status="withdrawn").startswith(
        "You withdrew your offer"
    )
    assert step(rules.CANDIDATE, "shortlisted", offer_status="withdrawn").startswith(
        "Acme withdrew its offer"
    )
    assert step(rules.EMPLOYER, "offered", offer_status="sent", countered=True).startswith(
        "Alice proposed another fee"
    )
    assert "answer your proposal" in step(
        rules.CANDIDATE, "offered", offer_status="sent", countered=True
    )
    assert step(rules.EMPLOYER, "archived", offer_status=None) == "Nobody needs to act."


def test_an_offer_expires_at_its_deadline() -> None:
    deadline = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    assert rules.offer_is_expired(deadline, deadline)
    assert not rules.offer_is_expired(deadline, deadline - timedelta(seconds=1))


def test_response_stats_without_answers_have_no_median() -> None:
    stats = rules.ResponseStats(
        window_days=14,
        considered=0,
        answered_in_window=0,
        response_rate=None,
        median_response_hours=None,
    )
    assert stats.response_rate_percent is None and stats.median_response_days is None
