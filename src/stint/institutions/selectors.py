"""Reads for career services.

Every staff read goes through `consenting_ids`, which reads the students'
*current* consent (and current affiliation) on each call: nothing is cached, so
a withdrawal hides the data on the very next request. Staff never see
messages, notes, answers or review texts, and declared groups only as totals
of at least `rules.SUPPRESS_BELOW`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, DateField, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.safestring import SafeString

from stint.accounts.models import User
from stint.applications.models import Application, Offer, OfferStatus
from stint.core import charts
from stint.core.errors import Forbidden, NotFound
from stint.core.money import CURRENCY_EXPONENTS, Money
from stint.engagements.models import Engagement
from stint.institutions import roster, rules
from stint.institutions.models import Consent, Endorsement, EquityGroup, GroupDeclaration
from stint.institutions.rules import ReportFilters
from stint.opportunities.models import Opportunity, OpportunityStatus, Visibility
from stint.opportunities.selectors import visible_to_institution_q
from stint.orgs import rules as org_rules
from stint.orgs.models import Affiliation, Membership, Organisation, OrgKind
from stint.profiles.models import Education
from stint.reviews.models import FollowUpOffer, Review, ReviewSide, VerifiedSkill

NO_FILTERS = ReportFilters()

# --- Access ------------------------------------------------------------------------------


def _institution(institution_id: int) -> Organisation:
    org = Organisation.objects.filter(pk=institution_id, kind=OrgKind.INSTITUTION).first()
    if org is None:
        raise NotFound("No such institution.")
    return org


def staff_membership(user: User, institution_id: int) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(
        user=user, organisation_id=institution_id, organisation__kind=OrgKind.INSTITUTION
    ).first()


def is_affiliated(user: User, institution_id: int) -> bool:
    return (
        user.is_authenticated
        and Affiliation.objects.filter(user=user, institution_id=institution_id).exists()
    )


def access_staff(*, actor: User, institution_id: int, manage: bool = False) -> Organisation:
    """An institution whose career-services staff the actor is. Everyone else,
    platform admins included (students consent to their institution, not to the
    platform), gets NotFound; `manage=True` also needs owner or admin."""
    if not actor.is_authenticated:
        raise NotFound("No such institution.")
    org = _institution(institution_id)
    membership = staff_membership(actor, org.pk)
    if membership is None:
        raise NotFound("No such institution.")
    if manage and not org_rules.can_manage(membership.role):
        raise Forbidden("Only the institution's owners and admins may change this.")
    return org


def access_student(*, actor: User, institution_id: int) -> Organisation:
    """An institution the actor is a verified student of."""
    if not actor.is_authenticated:
        raise NotFound("No such institution.")
    org = _institution(institution_id)
    if not is_affiliated(actor, org.pk):
        raise NotFound("No such institution.")
    return org


@dataclass(frozen=True)
class InstitutionAccess:
    institution: Organisation
    is_staff: bool
    is_student: bool


def access_institution(*, actor: User, institution_id: int) -> InstitutionAccess:
    """An institution the actor is staff or a verified student of."""
    if not actor.is_authenticated:
        raise NotFound("No such institution.")
    org = _institution(institution_id)
    staff = staff_membership(actor, org.pk) is not None
    student = is_affiliated(actor, org.pk)
    if not (staff or student):
        raise NotFound("No such institution.")
    return InstitutionAccess(institution=org, is_staff=staff, is_student=student)


def staff_institutions(user: User) -> list[Organisation]:
    if not user.is_authenticated:
        return []
    return list(
        Organisation.objects.filter(kind=OrgKind.INSTITUTION, memberships__user=user).order_by(
            "name"
        )
    )


def student_institutions(user: User) -> list[Organisation]:
    if not user.is_authenticated:
        return []
    return list(
        Organisation.objects.filter(kind=OrgKind.INSTITUTION, affiliations__user=user).order_by(
            "name"
        )
    )


# --- The student's side -------------------------------------------------------------------


def consent_of(student: User, institution: Organisation) -> Consent | None:
    return Consent.objects.filter(student=student, institution=institution).first()


def consent_scopes(consent: Consent | None) -> dict[str, bool]:
    return consent.scopes() if consent else dict.fromkeys(rules.SCOPES, False)


def groups_of(institution: Organisation) -> QuerySet[EquityGroup]:
    return EquityGroup.objects.filter(institution=institution, archived_at__isnull=True)


def declaration_of(student: User, institution: Organisation) -> GroupDeclaration | None:
    return (
        GroupDeclaration.objects.filter(student=student, institution=institution)
        .prefetch_related("groups")
        .first()
    )


@dataclass
class StudentPanelRow:
    institution: Organisation
    consent: Consent | None
    scopes: dict[str, bool]

    @property
    def asks(self) -> bool:
        """True while the student has not decided anything yet."""
        return self.consent is None


def dashboard_student(user: User) -> list[StudentPanelRow]:
    """For each institution the student is verified at: what they share (and a
    prompt to decide, while they have not)."""
    rows = []
    for inst in student_institutions(user):
        consent = consent_of(user, inst)
        rows.append(
            StudentPanelRow(institution=inst, consent=consent, scopes=consent_scopes(consent))
        )
    return rows


# --- Which students a staff member may see, for which scope ----------------------------


def _education_ids(institution: Organisation, f: ReportFilters) -> QuerySet[Any] | None:
    """Students whose education entry (at this institution, or not linked to any)
    matches the programme and graduation-year filters; None when unfiltered."""
    if not f.major and f.graduation_year is None:
        return None
    edu = Education.objects.filter(Q(institution=institution) | Q(institution__isnull=True))
    if f.major:
        edu = edu.filter(major__icontains=f.major)
    if f.graduation_year is not None:
        edu = edu.filter(graduation_year=f.graduation_year)
    return edu.values("profile__user_id")


def consenting_ids(
    institution: Organisation, scope: str, f: ReportFilters = NO_FILTERS
) -> QuerySet[Any]:
    """Ids of the students who, right now, are verified at the institution and
    consent to share `scope` with it (and match the filters)."""
    if scope not in rules.SCOPES:
        raise ValueError(f"unknown consent scope {scope!r}")
    qs = Consent.objects.filter(
        institution=institution,
        student_id__in=Affiliation.objects.filter(institution=institution).values("user_id"),
        **{f"share_{scope}": True},
    )
    edu = _education_ids(institution, f)
    if edu is not None:
        qs = qs.filter(student_id__in=edu)
    return qs.values("student_id")


def sharing_any_ids(institution: Organisation, f: ReportFilters = NO_FILTERS) -> QuerySet[Any]:
    anything = Q()
    for scope in rules.SCOPES:
        if scope != "groups":  # groups are aggregate-only, never a reason to list a student
            anything |= Q(**{f"share_{scope}": True})
    qs = Consent.objects.filter(
        anything,
        institution=institution,
        student_id__in=Affiliation.objects.filter(institution=institution).values("user_id"),
    )
    edu = _education_ids(institution, f)
    if edu is not None:
        qs = qs.filter(student_id__in=edu)
    return qs.values("student_id")


def _dated(qs: QuerySet[Any], lookup: str, f: ReportFilters) -> QuerySet[Any]:
    if f.date_from:
        qs = qs.filter(**{f"{lookup}__date__gte": f.date_from})
    if f.date_to:
        qs = qs.filter(**{f"{lookup}__date__lte": f.date_to})
    return qs


def _applications(inst: Organisation, f: ReportFilters) -> QuerySet[Application]:
    qs = Application.objects.filter(candidate_id__in=consenting_ids(inst, "applications", f))
    return _dated(qs, "created_at", f)


def _selections(inst: Organisation, f: ReportFilters) -> QuerySet[Offer]:
    qs = Offer.objects.filter(
        status=OfferStatus.ACCEPTED,
        application__candidate_id__in=consenting_ids(inst, "selections", f),
    )
    return _dated(qs, "decided_at", f)


# When an engagement ended: paid, resolved or cancelled (whichever the model records).
_END_FIELDS = [
    name
    for name in ("paid_at", "resolved_at", "cancelled_at", "updated_at")
    if any(f.name == name for f in Engagement._meta.get_fields())
]


def _ended_engagements(inst: Organisation, f: ReportFilters) -> QuerySet[Engagement]:
    qs = Engagement.objects.filter(
        status__in=rules.ENDED_STATUSES,
        candidate_id__in=consenting_ids(inst, "completions", f),
    ).annotate(ended_at=Coalesce(*_END_FIELDS))
    return _dated(qs, "ended_at", f)


def _completions(inst: Organisation, f: ReportFilters) -> QuerySet[Engagement]:
    return _ended_engagements(inst, f).filter(status__in=rules.COMPLETED_STATUSES)


def _skills(inst: Organisation, f: ReportFilters) -> QuerySet[VerifiedSkill]:
    qs = VerifiedSkill.objects.filter(candidate_id__in=consenting_ids(inst, "skills", f))
    return _dated(qs, "created_at", f)


def _ratings(inst: Organisation, f: ReportFilters) -> QuerySet[Review]:
    qs = Review.objects.filter(
        side=ReviewSide.EMPLOYER,
        visible_at__isnull=False,
        visible_at__lte=timezone.now(),
        engagement__candidate_id__in=consenting_ids(inst, "ratings", f),
    )
    return _dated(qs, "created_at", f)


def _follow_ups(inst: Organisation, f: ReportFilters) -> QuerySet[FollowUpOffer]:
    qs = FollowUpOffer.objects.filter(candidate_id__in=consenting_ids(inst, "follow_ups", f))
    return _dated(qs, "created_at", f)


# --- Tables (page, CSV and JSON share them) ----------------------------------------------

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


# --- Equity of access (aggregate only, small numbers suppressed) --------------------------


@dataclass(frozen=True)
class EquityRow:
    category: str
    label: str
    students: int | None  # None: fewer than 5, hidden
    applied: float | None  # percent, None when suppressed
    selected: float | None
    completed: float | None


PREFER_NOT = ("—", "Prefer not to say")


def equity(inst: Organisation, f: ReportFilters) -> list[EquityRow]:
    declaring = consenting_ids(inst, "groups", f)
    live = {g.pk: g for g in groups_of(inst)}
    members: dict[tuple[str, str], set[int]] = {(g.category, g.label): set() for g in live.values()}
    through = GroupDeclaration.groups.through
    for sid, gid in through.objects.filter(
        equitygroup_id__in=list(live),
        groupdeclaration__institution=inst,
        groupdeclaration__student_id__in=declaring,
    ).values_list("groupdeclaration__student_id", "equitygroup_id"):
        g = live[gid]
        members[(g.category, g.label)].add(sid)
    members[PREFER_NOT] = set(
        GroupDeclaration.objects.filter(
            institution=inst, student_id__in=declaring, prefer_not_to_say=True
        ).values_list("student_id", flat=True)
    )
    metrics = {
        "applied": (
            set(consenting_ids(inst, "applications", f).values_list("student_id", flat=True)),
            set(_applications(inst, f).values_list("candidate_id", flat=True)),
        ),
        "selected": (
            set(consenting_ids(inst, "selections", f).values_list("student_id", flat=True)),
            set(_selections(inst, f).values_list("application__candidate_id", flat=True)),
        ),
        "completed": (
            set(consenting_ids(inst, "completions", f).values_list("student_id", flat=True)),
            set(_completions(inst, f).values_list("candidate_id", flat=True)),
        ),
    }
    rows = []
    for (category, label), ids in members.items():
        visible = rules.suppress(len(ids))
        shares: dict[str, float | None] = {}
        for name, (consenting, did) in metrics.items():
            base = ids & consenting
            shares[name] = rules.share(len(base & did), len(base)) if visible else None
        rows.append(
            EquityRow(
                category=category,
                label=label,
                students=visible,
                applied=shares["applied"],
                selected=shares["selected"],
                completed=shares["completed"],
            )
        )
    return rows


def _equity_table(inst: Organisation, f: ReportFilters) -> Table:
    def cell(v: float | int | None) -> Any:
        return "<5" if v is None else v

    return Table(
        "equity",
        "Equity of access (groups under 5 hidden)",
        ("category", "group", "students", "applied_pct", "selected_pct", "completed_pct"),
        iter(
            [
                (
                    r.category,
                    r.label,
                    cell(r.students),
                    cell(r.applied),
                    cell(r.selected),
                    cell(r.completed),
                )
                for r in equity(inst, f)
            ]
        ),
    )


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


# --- Exclusive and endorsed opportunities ------------------------------------------------


def endorsable_q(institution: Organisation) -> Q:
    """Opportunities the institution's students may see (one rule, with programs)."""
    return visible_to_institution_q(institution.pk)


@dataclass
class OpportunityRow:
    opportunity: Opportunity
    exclusive: bool
    endorsement: Endorsement | None


def institution_opportunities(
    *, actor: User, institution_id: int
) -> tuple[Organisation, list[OpportunityRow]]:
    """Published opportunities exclusive to, or endorsed by, the institution: for its
    verified students and its staff. Promoted endorsements come first."""
    access = access_institution(actor=actor, institution_id=institution_id)
    inst = access.institution
    through = Opportunity.allowed_institutions.through
    exclusive_ids = set(
        through.objects.filter(
            organisation=inst,
            opportunity__visibility=Visibility.INSTITUTIONS,
            opportunity__status=OpportunityStatus.PUBLISHED,
        ).values_list("opportunity_id", flat=True)
    )
    endorsements = {
        e.opportunity_id: e
        for e in Endorsement.objects.filter(
            institution=inst, opportunity__status=OpportunityStatus.PUBLISHED
        ).filter(opportunity__in=Opportunity.objects.filter(endorsable_q(inst)))
    }
    opportunities = (
        Opportunity.objects.filter(pk__in=exclusive_ids | set(endorsements))
        .select_related("employer")
        .prefetch_related("skills")
    )
    rows = [
        OpportunityRow(
            opportunity=o, exclusive=o.pk in exclusive_ids, endorsement=endorsements.get(o.pk)
        )
        for o in opportunities
    ]
    rows.sort(
        key=lambda r: (
            not (r.endorsement and r.endorsement.promoted),
            r.endorsement is None,
            -(r.opportunity.published_at.timestamp() if r.opportunity.published_at else 0),
        )
    )
    return inst, rows


def endorsement_candidates(institution: Organisation, limit: int = 20) -> list[Opportunity]:
    """Recently published opportunities the staff could endorse and have not."""
    return list(
        Opportunity.objects.filter(endorsable_q(institution), status=OpportunityStatus.PUBLISHED)
        .exclude(endorsements__institution=institution)
        .select_related("employer")
        .order_by("-published_at", "-pk")[:limit]
    )


def endorsements_for(user: User, opportunity: Opportunity) -> list[Endorsement]:
    """Endorsements of an opportunity by institutions the viewer is a student or staff of."""
    if not user.is_authenticated:
        return []
    mine = Q(institution__affiliations__user=user) | Q(institution__memberships__user=user)
    return list(
        Endorsement.objects.filter(mine, opportunity=opportunity)
        .select_related("institution")
        .distinct()
        .order_by("-promoted", "institution__name")
    )


# --- Roster import -----------------------------------------------------------------------


@dataclass(frozen=True)
class RosterTarget:
    institution: Organisation
    program: Any  # programs.Program | None: the roster of one cohort program


def access_roster(*, actor: User, institution_id: int, program_id: int | None) -> RosterTarget:
    """An institution whose staff the actor is and, optionally, one of its programs.
    Anyone else (another institution's staff too) gets NotFound."""
    from stint.programs.models import Program

    institution = access_staff(actor=actor, institution_id=institution_id)
    program = None
    if program_id is not None:
        program = Program.objects.filter(pk=program_id, institution=institution).first()
        if program is None:
            raise NotFound("No such program.")
    return RosterTarget(institution=institution, program=program)


def roster_of(target: RosterTarget) -> QuerySet[Any]:
    from stint.institutions.models import RosterEntry

    return RosterEntry.objects.filter(institution=target.institution, program=target.program)


def roster_programs(institution: Organisation) -> list[Any]:
    from stint.programs.models import Program

    return list(Program.objects.filter(institution=institution).order_by("name"))


@dataclass(frozen=True)
class RosterPreviewRow:
    row: roster.RosterRow
    change: str  # new | update | unchanged | error
    has_account: bool
    linked: bool  # has an account linked to the institution (verified email domain)


@dataclass(frozen=True)
class RosterPreview:
    target: RosterTarget
    parsed: roster.ParsedRoster
    rows: list[RosterPreviewRow]

    @property
    def ok(self) -> bool:
        return self.parsed.ok

    def count(self, change: str) -> int:
        return sum(1 for r in self.rows if r.change == change)

    @property
    def count_new(self) -> int:
        return self.count("new")

    @property
    def count_update(self) -> int:
        return self.count("update")

    @property
    def count_unchanged(self) -> int:
        return self.count("unchanged")


def roster_preview(target: RosterTarget, text: str) -> RosterPreview:
    """What importing `text` would do, row by row, without saving anything.
    Raises roster.RosterFileError when the file as a whole cannot be read."""
    parsed = roster.parse_roster(text, this_year=timezone.now().year)
    emails = [r.email for r in parsed.rows if r.ok]
    existing = {e.email: e for e in roster_of(target).filter(email__in=emails)}
    accounts = {
        e.lower(): pk for e, pk in User.objects.filter(email__in=emails).values_list("email", "pk")
    }
    linked = set(
        Affiliation.objects.filter(
            institution=target.institution, user_id__in=accounts.values()
        ).values_list("user_id", flat=True)
    )
    rows = []
    for r in parsed.rows:
        if not r.ok:
            change = "error"
        elif r.email not in existing:
            change = "new"
        else:
            e = existing[r.email]
            same = (e.full_name, e.programme, e.graduation_year) == (
                r.name,
                r.programme,
                r.graduation_year,
            )
            change = "unchanged" if same else "update"
        pk = accounts.get(r.email)
        rows.append(
            RosterPreviewRow(row=r, change=change, has_account=pk is not None, linked=pk in linked)
        )
    return RosterPreview(target=target, parsed=parsed, rows=rows)
