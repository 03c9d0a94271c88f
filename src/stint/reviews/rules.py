"""Pure rules for reviews, reputation, portfolios and outcomes, tested without a database.

Double-blind reviews: each side reviews once after approval; neither sees the
other's review until both are in, or until STINT_REVIEW_REVEAL_DAYS after the
approval, whichever comes first (`visible_at`). Reviewing closes at that
deadline, so nobody can read the other side's review and then answer it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

EMPLOYER = "employer"  # the employer reviews the candidate
CANDIDATE = "candidate"  # the candidate reviews the employer

# Named dimensions, 1-5 each, in the order people see them.
DIMENSIONS: dict[str, tuple[tuple[str, str], ...]] = {
    EMPLOYER: (
        ("quality", "Quality of work"),
        ("communication", "Communication"),
        ("timeliness", "Timeliness"),
        ("initiative", "Initiative"),
    ),
    CANDIDATE: (
        ("clarity", "Clarity of the brief"),
        ("feedback", "Quality of feedback"),
        ("fairness", "Fairness"),
        ("would_work_again", "Would work with them again"),
    ),
}
RATING_MIN, RATING_MAX = 1, 5
SKILL_LEVEL_MIN, SKILL_LEVEL_MAX = 1, 4
TEXT_MAX = 4000

# Engagement statuses.
REVIEWABLE = frozenset({"approved", "paid"})  # reviews open after approval
VERIFIABLE = frozenset({"approved", "paid", "resolved"})  # skills can be confirmed
COMPLETED = frozenset({"paid", "resolved"})  # done and settled: portfolio, credentials
DELIVERED = frozenset({"approved", "paid"})  # the employer accepted the work
ENDED = frozenset({"approved", "paid", "resolved", "cancelled"})  # no longer in flight
FOLLOW_UP_ELIGIBLE = frozenset({"paid"})


def dimension_names(side: str) -> tuple[str, ...]:
    return tuple(name for name, _ in DIMENSIONS[side])


def other_side(side: str) -> str:
    return CANDIDATE if side == EMPLOYER else EMPLOYER


# --- Double-blind timing ---------------------------------------------------------------


def approval_time(
    approved_at: datetime | None, paid_at: datetime | None, fallback: datetime
) -> datetime:
    """When the clock of the reveal starts: the approval, else the payment, else `fallback`."""
    return approved_at or paid_at or fallback


def reveal_deadline(approved_at: datetime, reveal_days: int) -> datetime:
    return approved_at + timedelta(days=reveal_days)


def visible_at(
    *, approved_at: datetime, reviews_created_at: Sequence[datetime], reveal_days: int
) -> datetime:
    """When the reviews of one engagement become visible to the other side: as soon as
    both are in, and at the latest `reveal_days` after approval."""
    deadline = reveal_deadline(approved_at, reveal_days)
    if len(reviews_created_at) >= 2:
        return min(max(reviews_created_at), deadline)
    return deadline


def is_visible(visible: datetime | None, now: datetime) -> bool:
    return visible is not None and visible <= now


def review_refusal(
    *, status: str, approved_at: datetime, now: datetime, reveal_days: int
) -> tuple[str, str] | None:
    """(code, message) when reviewing this engagement is not possible now."""
    if status not in REVIEWABLE:
        return ("not_approved", "Reviews open once the employer has approved the work.")
    if now > reveal_deadline(approved_at, reveal_days):
        return (
            "review_window_closed",
            f"Reviews close {reveal_days} days after approval; this one has closed.",
        )
    return None


# --- Input checks ------------------------------------------------------------------------


def _is_rating(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def ratings_refusal(side: str, ratings: Mapping[str, object]) -> tuple[str, str] | None:
    """(field, message) for the first problem with the dimension ratings."""
    names = dimension_names(side)
    for key in ratings:
        if key not in names:
            return (f"ratings.{key}", f"“{key}” is not rated here; rate {', '.join(names)}.")
    for name, label in DIMENSIONS[side]:
        if name not in ratings:
            return (f"ratings.{name}", f"Rate “{label}” from 1 to 5.")
        if not _is_rating(ratings[name], RATING_MIN, RATING_MAX):
            return (f"ratings.{name}", f"“{label}” is rated with a whole number from 1 to 5.")
    return None


def skill_ratings_refusal(
    side: str, skill_ratings: Mapping[str, object], allowed: Iterable[str]
) -> tuple[str, str] | None:
    if not skill_ratings:
        return None
    if side != EMPLOYER:
        return ("skill_ratings", "Only the employer rates the skills used.")
    allowed = set(allowed)
    for skill_id, value in skill_ratings.items():
        if skill_id not in allowed:
            return (f"skill_ratings.{skill_id}", "Rate only the skills this project asked for.")
        if not _is_rating(value, RATING_MIN, RATING_MAX):
            return (
                f"skill_ratings.{skill_id}",
                "A skill is rated with a whole number from 1 to 5.",
            )
    return None


def skill_levels_refusal(
    levels: Mapping[str, object], allowed: Iterable[str]
) -> tuple[str, str] | None:
    if not levels:
        return ("skills", "Choose at least one skill the candidate demonstrated.")
    allowed = set(allowed)
    for skill_id, level in levels.items():
        if skill_id not in allowed:
            return ("skills", "Confirm only skills this project asked for.")
        if not _is_rating(level, SKILL_LEVEL_MIN, SKILL_LEVEL_MAX):
            return (f"skills.{skill_id}", "A skill level is 1 (basic), 2, 3 or 4 (expert).")
    return None


_SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,48}[a-z0-9])$")
RESERVED_SLUGS = frozenset(
    {"keys", "verify", "credentials", "status", "api", "admin", "static", "me"}
)


def slug_refusal(slug: str) -> str | None:
    if not _SLUG_RE.match(slug):
        return "Use 3 to 50 lowercase letters, digits and dashes (not at the ends)."
    if slug in RESERVED_SLUGS:
        return "That address is reserved; choose another."
    return None


# --- Transparent reputation --------------------------------------------------------------


@dataclass(frozen=True)
class DimensionAverage:
    name: str
    label: str
    average: float | None
    count: int


@dataclass(frozen=True)
class Reputation:
    count: int  # reviews that count
    overall: float | None
    dimensions: tuple[DimensionAverage, ...]
    review_scores: tuple[float, ...]  # each review's own average, in the order given
    method: str  # how `overall` is computed, in words


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def reputation(side: str, ratings: Sequence[Mapping[str, int]]) -> Reputation:
    """Averages over visible reviews. Each review's score is the mean of its dimension
    ratings; the overall score is the plain mean of those review scores (every review
    weighs the same). Nothing else counts and nothing is hidden."""
    names = DIMENSIONS[side]
    scores = []
    for r in ratings:
        values = [int(r[n]) for n, _ in names if n in r]
        if values:
            scores.append(sum(values) / len(values))
    dims = tuple(
        DimensionAverage(
            name,
            label,
            _mean([int(r[name]) for r in ratings if name in r]),
            sum(1 for r in ratings if name in r),
        )
        for name, label in names
    )
    return Reputation(
        count=len(scores),
        overall=_mean(scores),
        dimensions=dims,
        review_scores=tuple(round(s, 2) for s in scores),
        method=(
            "Each review's score is the average of its "
            f"{len(names)} ratings; your overall score is the average of those review scores, "
            "every review weighing the same. Only reviews already published to both sides count."
        ),
    )


# --- Outcomes over time ------------------------------------------------------------------


def month_key(when: date | datetime) -> str:
    return f"{when.year:04d}-{when.month:02d}"


def last_months(today: date, n: int = 12) -> list[str]:
    """The `n` month keys ending with today's month, oldest first."""
    year, month = today.year, today.month
    keys = []
    for _ in range(n):
        keys.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return keys[::-1]


def sum_by_month(items: Iterable[tuple[str, int]], months: Sequence[str]) -> list[int]:
    """Sum (month_key, amount) pairs into the given months (others are ignored)."""
    totals = dict.fromkeys(months, 0)
    for key, amount in items:
        if key in totals:
            totals[key] += amount
    return [totals[m] for m in months]


def cumulative_by_month(keys: Iterable[str], months: Sequence[str]) -> list[int]:
    """How many of `keys` (month keys of events) happened in or before each month."""
    keys = sorted(keys)
    return [sum(1 for k in keys if k <= m) for m in months]


def coverage_by_month(
    essential: Sequence[str], acquired: Mapping[str, str], months: Sequence[str]
) -> list[int]:
    """Percent (0-100, whole) of `essential` skills shown by the end of each month;
    `acquired` maps a skill id to the month key it was first shown."""
    essential = list(dict.fromkeys(essential))
    if not essential:
        return [0 for _ in months]
    firsts = [acquired[s] for s in essential if s in acquired]
    return [round(100 * sum(1 for k in firsts if k <= m) / len(essential)) for m in months]


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def percent(value: float | None) -> int:
    return round(100 * value) if value is not None else 0


def median(values: Sequence[float]) -> float | None:
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return None
    mid = n // 2
    return float(ordered[mid]) if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def net_earning(fee_minor: int, *, fee_bps: int, payer: str) -> int:
    """What the candidate receives of a fee, by the platform's fee rule."""
    if payer == "candidate":
        return fee_minor - fee_minor * fee_bps // 10_000
    return fee_minor


# --- References --------------------------------------------------------------------------

# A reference may be asked for once the employer approved the work.
REFERENCE_AFTER = frozenset({"approved", "paid"})
SHARE_DAYS_DEFAULT = 14
SHARE_DAYS_MAX = 90


def share_days_refusal(days: int) -> str | None:
    if not 1 <= days <= SHARE_DAYS_MAX:
        return f"A link lasts 1 to {SHARE_DAYS_MAX} days."
    return None
