"""The named reports staff open (one table by name) and the staff dashboard with its charts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import DateField, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.safestring import SafeString

from stint.accounts.models import User
from stint.core import charts
from stint.core.errors import NotFound
from stint.core.money import Money
from stint.institutions import rules
from stint.institutions.rules import ReportFilters
from stint.institutions.selectors.access import access_staff, staff_institutions
from stint.institutions.selectors.equity import EquityRow, _equity_table, equity
from stint.institutions.selectors.scope import (
    NO_FILTERS,
    _applications,
    _completions,
    _ended_engagements,
    _follow_ups,
    _selections,
    _skills,
    sharing_any_ids,
)
from stint.institutions.selectors.tables import (
    Table,
    _applications_table,
    _completions_table,
    _earnings_table,
    _follow_ups_table,
    _ratings_table,
    _selections_table,
    _skills_table,
    _students_table,
    earnings,
)
from stint.orgs.models import Organisation

TABLES: dict[str, Callable[[Organisation, ReportFilters], Table]] = {
    "students": _students_table,
    "applications": _applications_table,
    "selections": _selections_table,
    "completions": _completions_table,
    "earnings": _earnings_table,
    "skills": _skills_table,
    "ratings": _ratings_table,
    "follow_ups": _follow_ups_table,
    "equity": _equity_table,
}
TABLE_NAMES = tuple(TABLES)
TABLE_TITLES: dict[str, str] = {
    "students": "Students",
    "applications": "Applications",
    "selections": "Selections",
    "completions": "Completions",
    "earnings": "Earnings",
    "skills": "Verified skills",
    "ratings": "Ratings",
    "follow_ups": "Follow-up offers",
    "equity": "Equity of access",
}


def report_table(*, actor: User, institution_id: int, table: str, filters: ReportFilters) -> Table:
    """One table for staff of the institution; NotFound for everyone else and for
    unknown table names."""
    inst = access_staff(actor=actor, institution_id=institution_id)
    build = TABLES.get(table)
    if build is None:
        raise NotFound("No such report.")
    return build(inst, filters)


# --- The staff dashboard -------------------------------------------------------------------


@dataclass
class StaffDashboard:
    institution: Organisation
    filters: ReportFilters
    sharing: int
    applications: int
    selections: int
    completions: int
    cancelled: int
    completion_rate: float | None
    earnings: list[tuple[str, int, int, int]]
    employers_engaged: int
    months: list[str]
    active_students: list[int]
    top_skills: list[tuple[str, int]]
    top_employers: list[tuple[str, int]]
    equity: list[EquityRow]
    charts: dict[str, SafeString] = field(default_factory=dict)

    @property
    def earnings_display(self) -> list[str]:
        return [Money(total, cur).format() for cur, _s, _n, total in self.earnings]


def _window(f: ReportFilters) -> tuple[date, date]:
    end = f.date_to or timezone.localdate()
    start = f.date_from or rules.months_back(end, 12)
    return start, end


def _monthly_active(inst: Organisation, f: ReportFilters) -> tuple[list[date], list[int]]:
    start, end = _window(f)
    months = rules.months_between(start, end)
    window = ReportFilters(
        major=f.major, graduation_year=f.graduation_year, date_from=months[0], date_to=end
    )
    sources: list[tuple[QuerySet[Any], str, str]] = [
        (_applications(inst, window), "candidate_id", "created_at"),
        (_selections(inst, window), "application__candidate_id", "decided_at"),
        (_completions(inst, window), "candidate_id", "ended_at"),
        (_skills(inst, window), "candidate_id", "created_at"),
        (_follow_ups(inst, window), "candidate_id", "created_at"),
    ]
    active: dict[date, set[int]] = {m: set() for m in months}
    for qs, who, when in sources:
        for sid, month in (
            qs.annotate(_m=TruncMonth(when, output_field=DateField()))
            .values_list(who, "_m")
            .order_by()
            .distinct()
        ):
            if month in active:
                active[month].add(sid)
    return months, [len(active[m]) for m in months]


def dashboard(*, actor: User, institution_id: int, filters: ReportFilters) -> StaffDashboard:
    inst = access_staff(actor=actor, institution_id=institution_id)
    f = filters
    ended = _ended_engagements(inst, f)
    completed = ended.filter(status__in=rules.COMPLETED_STATUSES).count()
    cancelled = ended.filter(status="cancelled").count()
    selections = _selections(inst, f)
    top_employers = rules.top_counts(
        selections.values_list("application__opportunity__employer__name", flat=True)
    )
    months, active = _monthly_active(inst, f)
    d = StaffDashboard(
        institution=inst,
        filters=f,
        sharing=sharing_any_ids(inst, f).count(),
        applications=_applications(inst, f).count(),
        selections=selections.count(),
        completions=completed,
        cancelled=cancelled,
        completion_rate=rules.completion_rate(completed, completed + cancelled),
        earnings=earnings(inst, f),
        employers_engaged=selections.values("application__opportunity__employer_id")
        .distinct()
        .count(),
        months=[m.strftime("%Y-%m") for m in months],
        active_students=active,
        top_skills=rules.top_counts(_skills(inst, f).values_list("label", flat=True)),
        top_employers=top_employers,
        equity=equity(inst, f),
    )
    d.charts = _charts(d)
    return d


def _charts(d: StaffDashboard) -> dict[str, SafeString]:
    out = {
        "participation": charts.line_chart(
            "Monthly active students",
            d.months,
            [charts.Series("Active students", d.active_students)],
            chart_id="inst-participation",
        ),
        "completion": charts.bar_chart(
            "Ended engagements by outcome",
            ["Completed", "Cancelled"],
            [d.completions, d.cancelled],
            chart_id="inst-completion",
        ),
        "skills": charts.bar_chart(
            "Top verified skills",
            [label for label, _ in d.top_skills],
            [n for _, n in d.top_skills],
            chart_id="inst-skills",
        ),
        "employers": charts.bar_chart(
            "Employers engaged (selections)",
            [name for name, _ in d.top_employers],
            [n for _, n in d.top_employers],
            chart_id="inst-employers",
        ),
    }
    for metric, title in (
        ("applied", "Share of each group applying"),
        ("selected", "Share of each group selected"),
        ("completed", "Share of each group completing"),
    ):
        shown = [r for r in d.equity if getattr(r, metric) is not None]
        out[f"equity_{metric}"] = charts.bar_chart(
            title,
            [r.label for r in shown],
            [getattr(r, metric) for r in shown],
            chart_id=f"inst-equity-{metric}",
            unit="%",
        )
    return out


@dataclass
class StaffPanelRow:
    institution: Organisation
    sharing: int
    completions: int


def dashboard_staff(user: User) -> list[StaffPanelRow]:
    """For each institution the user is staff of: how many students share, and
    how many completed engagements they have."""
    rows = []
    for inst in staff_institutions(user):
        rows.append(
            StaffPanelRow(
                institution=inst,
                sharing=sharing_any_ids(inst).count(),
                completions=_completions(inst, NO_FILTERS).count(),
            )
        )
    return rows
