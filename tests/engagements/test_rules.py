"""The pure rules: the transition table, change rounds, money, deliverables, reminders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from stint.engagements import rules
from stint.engagements.models import EngagementStatus


def test_table_covers_only_known_statuses() -> None:
    assert set(EngagementStatus.values) == rules.STATUSES
    for (status, _action), (target, sides) in rules.TRANSITIONS.items():
        assert status in rules.STATUSES and target in rules.STATUSES and sides
        assert status not in rules.TERMINAL  # nothing leaves a terminal state


def test_the_happy_path_and_who_walks_it() -> None:
    path = [
        (rules.FUNDED, rules.START, rules.CANDIDATE, rules.IN_PROGRESS),
        (rules.IN_PROGRESS, rules.SUBMIT, rules.CANDIDATE, rules.SUBMITTED),
        (rules.SUBMITTED, rules.REQUEST_CHANGES, rules.EMPLOYER, rules.CHANGES_REQUESTED),
        (rules.CHANGES_REQUESTED, rules.SUBMIT, rules.CANDIDATE, rules.SUBMITTED),
        (rules.SUBMITTED, rules.APPROVE, rules.EMPLOYER, rules.APPROVED),
        (rules.APPROVED, rules.RELEASE, rules.EMPLOYER, rules.PAID),
    ]
    for status, action, side, target in path:
        assert rules.refusal(status, action, side) is None
        assert rules.target_of(status, action) == target


@pytest.mark.parametrize(
    ("status", "action", "side"),
    [
        (rules.SUBMITTED, rules.APPROVE, rules.CANDIDATE),  # no approving your own work
        (rules.FUNDED, rules.START, rules.EMPLOYER),
        (rules.IN_PROGRESS, rules.CANCEL, rules.EMPLOYER),  # work started: no full refund
        (rules.FUNDED, rules.DISPUTE, rules.CANDIDATE),
        (rules.DISPUTED, rules.RESOLVE, rules.EMPLOYER),
        (rules.PAID, rules.DISPUTE, rules.EMPLOYER),
        (rules.SUBMITTED, rules.AUTO_APPROVE, rules.EMPLOYER),
        (rules.CANCELLED, rules.START, rules.CANDIDATE),
    ],
)
def test_refusals(status: str, action: str, side: str) -> None:
    assert rules.refusal(status, action, side)


def test_allowed_actions_per_side() -> None:
    assert rules.allowed_actions(rules.FUNDED, rules.CANDIDATE) == [rules.START, rules.CANCEL]
    assert rules.allowed_actions(rules.FUNDED, rules.EMPLOYER) == [rules.CANCEL]
    assert rules.APPROVE in rules.allowed_actions(rules.SUBMITTED, rules.EMPLOYER)
    assert rules.APPROVE not in rules.allowed_actions(rules.SUBMITTED, rules.CANDIDATE)
    assert rules.allowed_actions(rules.PAID, rules.EMPLOYER) == []


def test_change_rounds_are_bounded() -> None:
    assert rules.change_round_refusal(0, 3) is None
    assert rules.change_round_refusal(2, 3) is None
    assert rules.change_round_refusal(3, 3)


def test_split_amounts() -> None:
    assert rules.split_refusal(0, 100) is None
    assert rules.split_refusal(100, 100) is None
    assert rules.split_refusal(101, 100)
    assert rules.split_refusal(-1, 100)
    assert rules.split_refusal(True, 100)  # type: ignore[arg-type]


def test_split_amounts_after_released_milestones() -> None:
    assert rules.split_refusal(60, 100, released=40) is None
    assert "still in escrow" in (rules.split_refusal(61, 100, released=40) or "")
    assert rules.split_refusal(0, 100, released=100) is None


def test_the_milestone_table() -> None:
    from stint.engagements.models import MilestoneStatus

    assert set(MilestoneStatus.values) == rules.MILESTONE_STATUSES
    for (status, action), (target, sides) in rules.MILESTONE_TRANSITIONS.items():
        assert {status, target} <= rules.MILESTONE_STATUSES and sides
        assert action in rules.MILESTONE_ACTIONS and status != rules.M_APPROVED
    w = rules.IN_PROGRESS
    assert rules.milestone_refusal(w, rules.M_PENDING, rules.SUBMIT, rules.CANDIDATE) is None
    assert rules.milestone_refusal(w, rules.M_PENDING, rules.SUBMIT, rules.EMPLOYER)
    assert rules.milestone_refusal(w, rules.M_PENDING, rules.APPROVE, rules.EMPLOYER)
    assert rules.milestone_refusal(w, rules.M_APPROVED, rules.SUBMIT, rules.CANDIDATE)
    for status in (rules.FUNDED, rules.DISPUTED, rules.PAID, rules.CANCELLED):
        assert rules.milestone_refusal(status, rules.M_PENDING, rules.SUBMIT, rules.CANDIDATE)
    sub = rules.SUBMITTED
    assert rules.allowed_milestone_actions(sub, rules.M_SUBMITTED, rules.EMPLOYER) == [
        rules.REQUEST_CHANGES,
        rules.APPROVE,
    ]
    assert rules.allowed_milestone_actions(sub, rules.M_SUBMITTED, rules.CANDIDATE) == []
    assert rules.allowed_milestone_actions(sub, rules.M_CHANGES_REQUESTED, rules.CANDIDATE) == [
        rules.SUBMIT
    ]
    assert rules.allowed_milestone_actions(rules.DISPUTED, rules.M_SUBMITTED, rules.EMPLOYER) == []


@pytest.mark.parametrize(
    ("statuses", "engagement"),
    [
        (["pending", "pending"], rules.IN_PROGRESS),
        (["approved", "pending"], rules.IN_PROGRESS),
        (["changes_requested", "pending"], rules.CHANGES_REQUESTED),
        (["changes_requested", "submitted"], rules.SUBMITTED),
        (["approved", "submitted"], rules.SUBMITTED),
        (["approved", "approved"], rules.APPROVED),
    ],
)
def test_the_engagement_follows_its_milestones(statuses: list[str], engagement: str) -> None:
    assert rules.status_from_milestones(statuses) == engagement
    with pytest.raises(ValueError):
        rules.status_from_milestones([])


def test_milestones_must_add_up() -> None:
    spec = rules.MilestoneSpec
    assert rules.milestones_refusal([], 100) is None
    assert rules.milestones_refusal([spec("a", 40), spec("b", 60)], 100) is None
    assert rules.milestones_refusal([spec("a", 40), spec("b", 50)], 100) == (
        "milestones",
        "The milestones' shares must add up to the fee.",
    )
    assert rules.milestones_refusal([spec(" ", 100)], 100)[0] == "milestones.0.title"  # type: ignore[index]
    assert rules.milestones_refusal([spec("a", 0), spec("b", 100)], 100)[0] == (  # type: ignore[index]
        "milestones.0.amount_minor"
    )


def test_effective_hourly_rate() -> None:
    assert rules.effective_hourly_rate(50_000, 0) is None
    assert rules.effective_hourly_rate(50_000, 600) == 5_000  # 500.00 over 10 h
    assert rules.effective_hourly_rate(100, 7) == 857  # rounded down


def test_deliverable_files_and_links() -> None:
    assert rules.file_refusal("report.pdf", 10, 100) is None
    assert rules.file_refusal("run.exe", 10, 100)
    assert rules.file_refusal("big.zip", 101, 100)
    assert rules.file_refusal("empty.csv", 0, 100)
    assert rules.link_refusal("https://github.com/x/y") is None
    assert rules.link_refusal("javascript:alert(1)")
    assert rules.link_refusal("ftp://example.com/x")


def test_reminders_go_out_once_each_before_auto_approval() -> None:
    t0 = datetime(2030, 1, 1, tzinfo=UTC)
    days = 7
    assert rules.reminders_due(t0, t0 + timedelta(days=4), days, 0) == 0
    assert rules.reminders_due(t0, t0 + timedelta(days=5), days, 0) == 1  # 2 days before
    assert rules.reminders_due(t0, t0 + timedelta(days=6), days, 1) == 2  # 1 day before
    assert rules.reminders_due(t0, t0 + timedelta(days=6), days, 2) == 2  # nothing new
    assert not rules.is_auto_approval_due(t0, t0 + timedelta(days=6, hours=23), days)
    assert rules.is_auto_approval_due(t0, t0 + timedelta(days=7), days)


def test_milestones_are_at_most_twenty_with_short_titles() -> None:
    twenty_one = [rules.MilestoneSpec(f"Part {i}", 100) for i in range(21)]
    assert rules.milestones_refusal(twenty_one, 2_100) == (
        "milestones",
        "Use at most 20 milestones.",
    )
    long_title = [rules.MilestoneSpec("x" * 141, 1_000)]
    assert rules.milestones_refusal(long_title, 1_000) == (
        "milestones.0.title",
        "Milestone titles are at most 140 characters.",
    )
    assert rules.milestones_refusal([rules.MilestoneSpec("x" * 140, 1_000)], 1_000) is None


def test_milestone_moves_follow_the_table() -> None:
    assert rules.milestone_target_of("pending", "submit") == "submitted"
    assert rules.milestone_target_of("submitted", "approve") == "approved"
    assert rules.milestone_target_of("approved", "submit") is None


def test_links_are_at_most_500_characters() -> None:
    url = "https://example.com/" + "a" * 480
    assert rules.link_refusal(url) is None
    assert rules.link_refusal(url + "a") == "Links are at most 500 characters."


@pytest.mark.parametrize("status", EngagementStatus.values)
def test_each_party_is_told_who_acts_next_in_every_engagement_state(status: str) -> None:
    said = {
        side: rules.next_step(
            status=status, side=side, employer="Acme", candidate="Alice", funded=True
        )
        for side in (rules.EMPLOYER, rules.CANDIDATE)
    }
    assert all(s != "Nobody needs to act." for s in said.values())  # each state has its own
    if status in ("funded", "in_progress", "changes_requested"):
        assert said[rules.EMPLOYER].startswith("Waiting for Alice to")
        assert said[rules.CANDIDATE].startswith("Waiting for you to")
    if status == "submitted":
        assert said[rules.EMPLOYER].startswith("Waiting for you to review")
        assert said[rules.CANDIDATE].startswith("Waiting for Acme to review")


def test_before_the_money_reaches_escrow_the_employer_is_waited_for() -> None:
    def step(side: str) -> str:
        return rules.next_step(
            status="funded", side=side, employer="Acme", candidate="Alice", funded=False
        )

    assert step(rules.EMPLOYER).startswith("Waiting for your payment to reach escrow")
    assert step(rules.CANDIDATE).startswith("Waiting for Acme's payment to reach escrow")
    unknown = rules.next_step(
        status="archived", side=rules.EMPLOYER, employer="Acme", candidate="Alice", funded=True
    )
    assert unknown == "Nobody needs to act."
