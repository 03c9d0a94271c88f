"""Pure rules of career services, tested without a database: consent scopes,
small-number suppression, report filters, CSV cell safety, month buckets."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from stint.core import spreadsheet
from stint.core.errors import DomainError

# What a student may share with an institution, in the order shown to them.
SCOPES: tuple[str, ...] = (
    "applications",
    "selections",
    "completions",
    "skills",
    "ratings",
    "follow_ups",
    "groups",
)
SCOPE_LABELS: dict[str, str] = {
    "applications": "My applications (which opportunities, and their status)",
    "selections": "When I am selected (offers I accept)",
    "completions": "My completed engagements and what I earned",
    "skills": "Skills employers verified",
    "ratings": "Employers' ratings of my work (once visible)",
    "follow_ups": "Follow-up offers from employers",
    "groups": "The groups I declare (only ever shown to staff as totals of 5 or more)",
}

# Below this, a count is hidden (and so is any share computed from it).
SUPPRESS_BELOW = 5

# Offered to institutions as a starting list; every list also gets "prefer not to say".
SUGGESTED_GROUPS: tuple[tuple[str, str], ...] = (
    ("Background", "First-generation student"),
    ("Background", "Mature student"),
    ("Background", "Care leaver"),
    ("Disability", "Disabled student"),
    ("Gender", "Woman"),
    ("Gender", "Man"),
    ("Gender", "Non-binary"),
    ("Ethnicity", "Asian"),
    ("Ethnicity", "Black"),
    ("Ethnicity", "Mixed"),
    ("Ethnicity", "White"),
    ("Ethnicity", "Other ethnic group"),
)

MAX_MONTHS = 36
COMPLETED_STATUSES = ("paid", "resolved")
ENDED_STATUSES = ("paid", "resolved", "cancelled")


def suppress(count: int) -> int | None:
    """A count safe to show to staff, or None when it is too small to show."""
    return count if count >= SUPPRESS_BELOW else None


def share(numerator: int, denominator: int) -> float | None:
    """A percentage, or None when either count is below the suppression threshold."""
    if suppress(denominator) is None or suppress(numerator) is None:
        return None
    return round(100.0 * numerator / denominator, 1)


def completion_rate(completed: int, ended: int) -> float | None:
    """Share of ended engagements that were completed, in percent."""
    if ended <= 0:
        return None
    return round(100.0 * completed / ended, 1)


# The one CSV cell escaper lives in core (programs' CSV uses it too).
csv_cell = spreadsheet.csv_cell


@dataclass(frozen=True)
class ReportFilters:
    major: str = ""
    graduation_year: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    @property
    def active(self) -> bool:
        return bool(self.major or self.graduation_year or self.date_from or self.date_to)

    def as_params(self) -> dict[str, str]:
        params = {
            "major": self.major,
            "graduation_year": str(self.graduation_year or ""),
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }
        return {k: v for k, v in params.items() if v}


def _one(params: Mapping[str, Any], key: str) -> str:
    value = params.get(key)
    if isinstance(value, list | tuple):
        value = value[-1] if value else None
    return "" if value is None else str(value).strip()


def _date(raw: str, field: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise DomainError("bad_date", "Give a date as YYYY-MM-DD.", field) from exc


def parse_filters(params: Mapping[str, Any]) -> ReportFilters:
    """Report filters from query parameters; a DomainError names the bad field."""
    major = _one(params, "major")
    if len(major) > 120:
        raise DomainError("major_too_long", "A programme name is at most 120 characters.", "major")
    year_raw = _one(params, "graduation_year")
    year: int | None = None
    if year_raw:
        try:
            year = int(year_raw)
        except ValueError as exc:
            raise DomainError(
                "bad_year", "The graduation year is a number such as 2026.", "graduation_year"
            ) from exc
        if not 1950 <= year <= 2100:
            raise DomainError(
                "bad_year", "The graduation year is between 1950 and 2100.", "graduation_year"
            )
    date_from = _date(_one(params, "date_from"), "date_from")
    date_to = _date(_one(params, "date_to"), "date_to")
    if date_from and date_to and date_to < date_from:
        raise DomainError("bad_range", "The end date comes before the start date.", "date_to")
    return ReportFilters(major=major, graduation_year=year, date_from=date_from, date_to=date_to)


def month_start(d: date) -> date:
    return d.replace(day=1)


def months_between(start: date, end: date) -> list[date]:
    """First days of each month from start's month to end's month, at most MAX_MONTHS
    (the latest ones are kept)."""
    first, last = month_start(start), month_start(end)
    months: list[date] = []
    current = first
    while current <= last:
        months.append(current)
        current = (
            current.replace(year=current.year + 1, month=1)
            if current.month == 12
            else current.replace(month=current.month + 1)
        )
    return months[-MAX_MONTHS:]


def months_back(end: date, count: int = 12) -> date:
    """The first day of the month `count - 1` months before end's month."""
    year, month = end.year, end.month - (count - 1)
    while month <= 0:
        month += 12
        year -= 1
    return date(year, month, 1)


def top_counts(items: Iterable[str], limit: int = 10) -> list[tuple[str, int]]:
    """Most frequent items first, ties by name."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
