"""Pure rules: no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from stint.reviews import rules

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


def test_visible_at_is_the_deadline_while_one_review_is_in() -> None:
    assert rules.visible_at(
        approved_at=T0, reviews_created_at=[T0], reveal_days=14
    ) == T0 + timedelta(days=14)


def test_visible_at_is_the_second_review_when_both_are_in() -> None:
    second = T0 + timedelta(days=3)
    got = rules.visible_at(approved_at=T0, reviews_created_at=[T0, second], reveal_days=14)
    assert got == second


def test_visible_at_never_later_than_the_deadline() -> None:
    late = T0 + timedelta(days=20)
    got = rules.visible_at(approved_at=T0, reviews_created_at=[T0, late], reveal_days=14)
    assert got == T0 + timedelta(days=14)


def test_is_visible() -> None:
    assert not rules.is_visible(None, T0)
    assert rules.is_visible(T0, T0)
    assert not rules.is_visible(T0 + timedelta(seconds=1), T0)


def test_review_refusal() -> None:
    assert (
        rules.review_refusal(status="in_progress", approved_at=T0, now=T0, reveal_days=14)[0]
        == "not_approved"
    )
    assert rules.review_refusal(status="approved", approved_at=T0, now=T0, reveal_days=14) is None
    assert (
        rules.review_refusal(
            status="paid", approved_at=T0, now=T0 + timedelta(days=14), reveal_days=14
        )
        is None
    )
    closed = rules.review_refusal(
        status="paid", approved_at=T0, now=T0 + timedelta(days=14, seconds=1), reveal_days=14
    )
    assert closed and closed[0] == "review_window_closed"


def test_ratings_refusal_names_the_field() -> None:
    good = {"quality": 5, "communication": 4, "timeliness": 3, "initiative": 1}
    assert rules.ratings_refusal("employer", good) is None
    assert rules.ratings_refusal("employer", {**good, "quality": 6})[0] == "ratings.quality"
    assert rules.ratings_refusal("employer", {**good, "quality": True})[0] == "ratings.quality"
    missing = dict(good)
    del missing["initiative"]
    assert rules.ratings_refusal("employer", missing)[0] == "ratings.initiative"
    assert rules.ratings_refusal("employer", {**good, "charm": 5})[0] == "ratings.charm"
    assert rules.ratings_refusal("candidate", good) is not None


def test_skill_ratings_and_levels() -> None:
    assert rules.skill_ratings_refusal("employer", {}, ["a"]) is None
    assert rules.skill_ratings_refusal("employer", {"a": 5}, ["a"]) is None
    assert rules.skill_ratings_refusal("employer", {"b": 5}, ["a"])[0] == "skill_ratings.b"
    assert rules.skill_ratings_refusal("employer", {"a": 0}, ["a"])[0] == "skill_ratings.a"
    assert rules.skill_ratings_refusal("candidate", {"a": 4}, ["a"])[0] == "skill_ratings"
    assert rules.skill_levels_refusal({}, ["a"])[0] == "skills"
    assert rules.skill_levels_refusal({"a": 5}, ["a"])[0] == "skills.a"
    assert rules.skill_levels_refusal({"x": 2}, ["a"])[0] == "skills"
    assert rules.skill_levels_refusal({"a": 4}, ["a"]) is None


def test_reputation_is_the_mean_of_review_means() -> None:
    rep = rules.reputation(
        "employer",
        [
            {"quality": 5, "communication": 5, "timeliness": 5, "initiative": 5},
            {"quality": 3, "communication": 4, "timeliness": 2, "initiative": 3},
        ],
    )
    assert rep.count == 2
    assert rep.review_scores == (5.0, 3.0)
    assert rep.overall == 4.0
    assert [d.average for d in rep.dimensions] == [4.0, 4.5, 3.5, 4.0]
    assert "average" in rep.method
    assert rules.reputation("employer", []).overall is None


def test_months_and_series() -> None:
    months = rules.last_months(date(2026, 2, 10), 4)
    assert months == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert rules.sum_by_month([("2025-12", 5), ("2025-12", 2), ("2024-01", 9)], months) == [
        0,
        7,
        0,
        0,
    ]
    assert rules.cumulative_by_month(["2025-12", "2026-02", "2020-01"], months) == [1, 2, 2, 3]
    cov = rules.coverage_by_month(["a", "b", "c", "d"], {"a": "2025-11", "c": "2026-01"}, months)
    assert cov == [25, 25, 50, 50]
    assert rules.coverage_by_month([], {}, months) == [0, 0, 0, 0]


def test_rates_median_money() -> None:
    assert rules.rate(1, 4) == 0.25
    assert rules.rate(1, 0) is None
    assert rules.percent(0.256) == 26
    assert rules.median([3, 1, 2]) == 2.0
    assert rules.median([1, 2, 3, 4]) == 2.5
    assert rules.median([]) is None
    assert rules.net_earning(10_000, fee_bps=1000, payer="employer") == 10_000
    assert rules.net_earning(10_000, fee_bps=1000, payer="candidate") == 9_000


def test_slug_rules() -> None:
    assert rules.slug_refusal("alice-candidate") is None
    assert rules.slug_refusal("ab") is not None
    assert rules.slug_refusal("-alice") is not None
    assert rules.slug_refusal("Alice") is not None
    assert rules.slug_refusal("verify") is not None
    assert rules.slug_refusal("keys") is not None


def test_each_side_reviews_the_other() -> None:
    assert rules.other_side(rules.EMPLOYER) == rules.CANDIDATE
    assert rules.other_side(rules.CANDIDATE) == rules.EMPLOYER


def test_the_reveal_clock_starts_at_approval_else_payment_else_the_fallback() -> None:
    approved = datetime(2026, 12, 1, tzinfo=UTC)
    paid = approved + timedelta(days=1)
    fallback = approved + timedelta(days=2)
    assert rules.approval_time(approved, paid, fallback) == approved
    assert rules.approval_time(None, paid, fallback) == paid
    assert rules.approval_time(None, None, fallback) == fallback


def test_outcomes_are_grouped_by_month() -> None:
    assert rules.month_key(date(2026, 3, 9)) == "2026-03"
    assert rules.month_key(datetime(2026, 12, 31, 23, 59, tzinfo=UTC)) == "2026-12"
