"""The report tables (page, CSV and JSON share them): students, applications,
selections, completions, earnings, verified skills, ratings, follow-up offers."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from stint.accounts.models import User
from stint.core.money import CURRENCY_EXPONENTS
from stint.institutions.models import Consent
from stint.institutions.rules import ReportFilters
from stint.institutions.selectors.scope import (
    _applications,
    _completions,
    _follow_ups,
    _ratings,
    _selections,
    _skills,
    sharing_any_ids,
)
from stint.orgs.models import Organisation
from stint.profiles.models import Education
from stint.reviews.models import Review

STUDENT_COLUMNS = ("student_name", "student_email", "major", "graduation_year")


@dataclass
class Table:
    name: str
    title: str
    columns: Sequence[str]
    rows: Iterator[tuple[Any, ...]]

    @property
    def headers(self) -> list[str]:
        """Column headers for people ("Student name"); CSV and JSON keep `columns`."""
        return [c.replace("_", " ").capitalize() for c in self.columns]


@dataclass(frozen=True)
class StudentInfo:
    name: str
    email: str
    major: str
    graduation_year: int | None

    def cells(self) -> tuple[Any, ...]:
        return (self.name, self.email, self.major, self.graduation_year)


def _student_info(inst: Organisation, ids: set[int]) -> dict[int, StudentInfo]:
    users = {u.pk: u for u in User.objects.filter(pk__in=ids)}
    edu: dict[int, Education] = {}
    for e in (
        Education.objects.filter(profile__user_id__in=ids)
        .filter(Q(institution=inst) | Q(institution__isnull=True))
        .select_related("profile")
        .order_by("institution_id", "-graduation_year", "pk")  # linked entries first on PG/SQLite
    ):
        uid = e.profile.user_id
        best = edu.get(uid)
        if best is None or (best.institution_id is None and e.institution_id is not None):
            edu[uid] = e
    info = {}
    for uid, user in users.items():
        e = edu.get(uid)
        info[uid] = StudentInfo(
            name=user.full_name,
            email=user.email,
            major=e.major if e else "",
            graduation_year=e.graduation_year if e else None,
        )
    return info


def _with_students(
    inst: Organisation,
    items: list[Any],
    student_of: Callable[[Any], int],
    cells: Callable[[Any], tuple[Any, ...]],
) -> Iterator[tuple[Any, ...]]:
    info = _student_info(inst, {student_of(i) for i in items})
    for item in items:
        yield info[student_of(item)].cells() + cells(item)


def _amount(minor: int, currency: str) -> str:
    exp = CURRENCY_EXPONENTS.get(currency, 2)
    if exp == 0:
        return str(minor)
    major, rest = divmod(minor, 10**exp)
    return f"{major}.{rest:0{exp}d}"


def _day(value: Any) -> date | None:
    if value is None:
        return None
    return timezone.localtime(value).date() if hasattr(value, "tzinfo") else value


def _students_table(inst: Organisation, f: ReportFilters) -> Table:
    consents = list(
        Consent.objects.filter(student_id__in=sharing_any_ids(inst, f), institution=inst)
    )
    info = _student_info(inst, {c.student_id for c in consents})
    consents.sort(key=lambda c: (info[c.student_id].name.lower(), info[c.student_id].email))

    def rows() -> Iterator[tuple[Any, ...]]:
        for c in consents:
            shared = [s for s, on in c.scopes().items() if on and s != "groups"]
            yield (*info[c.student_id].cells(), " ".join(shared), _day(c.updated_at))

    return Table(
        "students", "Students who share with you", (*STUDENT_COLUMNS, "shares", "since"), rows()
    )


def _applications_table(inst: Organisation, f: ReportFilters) -> Table:
    items = list(
        _applications(inst, f)
        .select_related("opportunity", "opportunity__employer")
        .order_by("-created_at", "-pk")
    )
    return Table(
        "applications",
        "Applications",
        (*STUDENT_COLUMNS, "opportunity", "employer", "status", "applied_on"),
        _with_students(
            inst,
            items,
            lambda a: a.candidate_id,
            lambda a: (
                a.opportunity.title,
                a.opportunity.employer.name,
                a.get_status_display(),
                _day(a.created_at),
            ),
        ),
    )


def _selections_table(inst: Organisation, f: ReportFilters) -> Table:
    items = list(
        _selections(inst, f)
        .select_related("application", "application__opportunity__employer")
        .order_by("-decided_at", "-pk")
    )
    return Table(
        "selections",
        "Selections (offers accepted)",
        (*STUDENT_COLUMNS, "opportunity", "employer", "fee", "currency", "accepted_on"),
        _with_students(
            inst,
            items,
            lambda o: o.application.candidate_id,
            lambda o: (
                o.application.opportunity.title,
                o.application.opportunity.employer.name,
                _amount(o.fee_minor, o.currency),
                o.currency,
                _day(o.decided_at),
            ),
        ),
    )


def _completions_table(inst: Organisation, f: ReportFilters) -> Table:
    items = list(_completions(inst, f).select_related("employer").order_by("-ended_at", "-pk"))
    return Table(
        "completions",
        "Completed engagements",
        (*STUDENT_COLUMNS, "engagement", "employer", "status", "fee", "currency", "completed_on"),
        _with_students(
            inst,
            items,
            lambda e: e.candidate_id,
            lambda e: (
                e.title,
                e.employer.name,
                e.get_status_display(),
                _amount(e.fee_minor, e.currency),
                e.currency,
                _day(e.ended_at),
            ),
        ),
    )


def earnings(inst: Organisation, f: ReportFilters) -> list[tuple[str, int, int, int]]:
    """(currency, students, paid engagements, total minor units) over paid engagements."""
    rows = (
        _completions(inst, f)
        .filter(status="paid")
        .values("currency")
        .annotate(
            students=Count("candidate_id", distinct=True),
            n=Count("pk"),
            total=Coalesce(Sum("fee_minor"), 0),
        )
        .order_by("currency")
    )
    return [(r["currency"], r["students"], r["n"], r["total"]) for r in rows]


def _earnings_table(inst: Organisation, f: ReportFilters) -> Table:
    data = earnings(inst, f)
    return Table(
        "earnings",
        "Earnings (paid engagements)",
        ("currency", "students", "paid_engagements", "total"),
        iter([(cur, students, n, _amount(total, cur)) for cur, students, n, total in data]),
    )


def _skills_table(inst: Organisation, f: ReportFilters) -> Table:
    items = list(
        _skills(inst, f).select_related("engagement__employer").order_by("-created_at", "-pk")
    )
    return Table(
        "skills",
        "Verified skills",
        (*STUDENT_COLUMNS, "skill", "level", "employer", "engagement", "verified_on"),
        _with_students(
            inst,
            items,
            lambda s: s.candidate_id,
            lambda s: (
                s.label,
                s.level,
                s.engagement.employer.name,
                s.engagement.title,
                _day(s.created_at),
            ),
        ),
    )


def _ratings_cells(r: Review) -> tuple[Any, ...]:
    values = [v for v in (r.ratings or {}).values() if isinstance(v, int | float)]
    average = round(sum(values) / len(values), 2) if values else None
    detail = "; ".join(f"{k}={v}" for k, v in sorted((r.ratings or {}).items()))
    return (r.engagement.employer.name, r.engagement.title, average, detail, _day(r.visible_at))


def _ratings_table(inst: Organisation, f: ReportFilters) -> Table:
    # Only the ratings: the review's text stays between the student and the employer.
    items = list(
        _ratings(inst, f)
        .select_related("engagement", "engagement__employer")
        .order_by("-created_at", "-pk")
    )
    return Table(
        "ratings",
        "Employers' ratings",
        (*STUDENT_COLUMNS, "employer", "engagement", "average", "ratings", "visible_on"),
        _with_students(inst, items, lambda r: r.engagement.candidate_id, _ratings_cells),
    )


def _follow_ups_table(inst: Organisation, f: ReportFilters) -> Table:
    # The employer's message is not shown: only what was offered and what came of it.
    items = list(_follow_ups(inst, f).select_related("employer").order_by("-created_at", "-pk"))
    return Table(
        "follow_ups",
        "Follow-up offers",
        (*STUDENT_COLUMNS, "employer", "kind", "role", "status", "offered_on", "decided_on"),
        _with_students(
            inst,
            items,
            lambda o: o.candidate_id,
            lambda o: (
                o.employer.name,
                o.get_kind_display(),
                o.role_title,
                o.get_status_display(),
                _day(o.created_at),
                _day(o.decided_at),
            ),
        ),
    )
