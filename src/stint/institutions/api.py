"""The JSON twins of the career-services pages: consent and declared groups for
students; dashboard, reports and endorsements for staff."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Query, Router, Status

from stint.core.errors import DomainError
from stint.core.schemas import ERRORS
from stint.core.spreadsheet import ALSO_CSV, csv_download, wants_csv
from stint.institutions import roster, rules, selectors, services
from stint.institutions.models import Consent, Endorsement, EquityGroup
from stint.institutions.schemas import (
    ConsentEventOut,
    ConsentIn,
    ConsentOut,
    CountOut,
    DashboardOut,
    DeclarationIn,
    DeclarationOut,
    EarningsOut,
    EndorsementIn,
    EndorsementOut,
    EquityRowOut,
    GroupIn,
    GroupOut,
    InstitutionOut,
    MonthOut,
    OpportunityRowOut,
    ReportQuery,
    RosterCellErrorOut,
    RosterEntryOut,
    RosterImportOut,
    RosterIn,
    RosterPreviewOut,
    RosterPreviewRowOut,
    TableName,
    TableOut,
)

router = Router()


def _consent(institution_id: int, consent: Consent | None) -> ConsentOut:
    return ConsentOut(
        institution_id=institution_id,
        **selectors.consent_scopes(consent),
        updated_at=consent.updated_at if consent else None,
    )


def _group(g: EquityGroup) -> GroupOut:
    return GroupOut(id=g.pk, category=g.category, label=g.label)


def _endorsement(e: Endorsement) -> EndorsementOut:
    return EndorsementOut(
        id=e.pk,
        institution_id=e.institution_id,
        opportunity_id=e.opportunity_id,
        note=e.note,
        promoted=e.promoted,
        created_at=e.created_at,
    )


def _equity(r: selectors.EquityRow) -> EquityRowOut:
    return EquityRowOut(
        category=r.category,
        group=r.label,
        students=r.students,
        applied_pct=r.applied,
        selected_pct=r.selected,
        completed_pct=r.completed,
    )


@router.get(
    "/institutions",
    response={200: list[InstitutionOut], **ERRORS},
    summary="Institutions you are staff or a verified student of",
)
def institution_list(request: HttpRequest) -> list[InstitutionOut]:
    """The institutions you are staff of or a verified student of."""
    staff = {i.pk: i for i in selectors.staff_institutions(request.user)}
    student = {i.pk: i for i in selectors.student_institutions(request.user)}
    everyone = {**student, **staff}
    return [
        InstitutionOut(id=pk, name=inst.name, is_staff=pk in staff, is_student=pk in student)
        for pk, inst in sorted(everyone.items(), key=lambda kv: kv[1].name)
    ]


# --- Students: consent and declared groups -------------------------------------------------


@router.get(
    "/institutions/{institution_id}/consent",
    response={200: ConsentOut, **ERRORS},
    summary="What you share with this institution",
)
def consent_get(request: HttpRequest, institution_id: int) -> ConsentOut:
    """What you share with an institution's career services (outcomes, profile, groups), one
    choice each. Students of that institution."""
    inst = selectors.access_student(actor=request.user, institution_id=institution_id)
    return _consent(inst.pk, selectors.consent_of(request.user, inst))


@router.patch(
    "/institutions/{institution_id}/consent",
    response={200: ConsentOut, **ERRORS},
    summary="Change what you share (only the choices you name change)",
)
def consent_update(request: HttpRequest, institution_id: int, payload: ConsentIn) -> ConsentOut:
    """Change what you share with an institution; only the choices you name change, and each
    change is recorded in your consent history."""
    scopes = {k: v for k, v in payload.dict().items() if v is not None}
    consent = services.consent_set(actor=request.user, institution_id=institution_id, scopes=scopes)
    return _consent(institution_id, consent)


@router.delete(
    "/institutions/{institution_id}/consent",
    response={200: ConsentOut, **ERRORS},
    summary="Withdraw all consent, at once",
)
def consent_withdraw(request: HttpRequest, institution_id: int) -> ConsentOut:
    """Withdraw all consent at once: the institution stops seeing anything of yours from now
    on."""
    consent = services.consent_withdraw(actor=request.user, institution_id=institution_id)
    return _consent(institution_id, consent)


@router.get(
    "/institutions/{institution_id}/consent/history",
    response={200: list[ConsentEventOut], **ERRORS},
    summary="Every grant and withdrawal, newest first",
)
def consent_history(request: HttpRequest, institution_id: int) -> list[ConsentEventOut]:
    """Every grant and withdrawal of consent you made to an institution, newest first."""
    inst = selectors.access_student(actor=request.user, institution_id=institution_id)
    consent = selectors.consent_of(request.user, inst)
    if consent is None:
        return []
    return [
        ConsentEventOut(scope=e.scope, granted=e.granted, at=e.at) for e in consent.events.all()
    ]


@router.get(
    "/institutions/{institution_id}/groups",
    response={200: list[GroupOut], **ERRORS},
    summary="Groups students may declare",
)
def group_list(request: HttpRequest, institution_id: int) -> list[GroupOut]:
    """The groups students of an institution may declare (for equity reporting)."""
    access = selectors.access_institution(actor=request.user, institution_id=institution_id)
    return [_group(g) for g in selectors.groups_of(access.institution)]


@router.post(
    "/institutions/{institution_id}/groups",
    response={201: GroupOut, **ERRORS},
    summary="Staff: add a group students may declare",
)
def group_add(request: HttpRequest, institution_id: int, payload: GroupIn) -> Status[GroupOut]:
    """Add a group students may declare. Staff of the institution only; a group already listed
    is 409 `group_exists`."""
    g = services.group_add(
        actor=request.user,
        institution_id=institution_id,
        category=payload.category,
        label=payload.label,
    )
    return Status(201, _group(g))


@router.delete(
    "/institutions/groups/{group_id}",
    response={204: None, **ERRORS},
    summary="Staff: take a group off the list",
)
def group_archive(request: HttpRequest, group_id: int) -> Status[None]:
    """Take a group off the list; past declarations are kept for reports. Staff of the
    institution only."""
    services.group_archive(actor=request.user, group_id=group_id)
    return Status(204, None)


@router.get(
    "/institutions/{institution_id}/declaration",
    response={200: DeclarationOut, **ERRORS},
    summary="The groups you declared",
)
def declaration_get(request: HttpRequest, institution_id: int) -> DeclarationOut:
    """The groups you declared to an institution."""
    inst = selectors.access_student(actor=request.user, institution_id=institution_id)
    d = selectors.declaration_of(request.user, inst)
    return DeclarationOut(
        group_ids=sorted(g.pk for g in d.groups.all()) if d else [],
        prefer_not_to_say=bool(d and d.prefer_not_to_say),
        declared_at=d.declared_at if d else None,
    )


@router.put(
    "/institutions/{institution_id}/declaration",
    response={200: DeclarationOut, **ERRORS},
    summary="Declare your groups (needs consent to share groups; empty clears)",
)
def declaration_set(
    request: HttpRequest, institution_id: int, payload: DeclarationIn
) -> DeclarationOut:
    """Declare your groups to an institution (an empty list clears them). Needs your consent to
    share groups; an unknown group is 422."""
    d = services.declaration_set(
        actor=request.user,
        institution_id=institution_id,
        group_ids=payload.group_ids,
        prefer_not_to_say=payload.prefer_not_to_say,
    )
    return DeclarationOut(
        group_ids=sorted(g.pk for g in d.groups.all()) if d else [],
        prefer_not_to_say=bool(d and d.prefer_not_to_say),
        declared_at=d.declared_at if d else None,
    )


# --- Staff: dashboard and reports -----------------------------------------------------------


@router.get(
    "/institutions/{institution_id}/dashboard",
    response={200: DashboardOut, **ERRORS},
    summary="Staff: the career-services dashboard (consenting students only)",
)
def dashboard(
    request: HttpRequest, institution_id: int, filters: Query[ReportQuery]
) -> DashboardOut:
    """The career-services dashboard: students' applications, engagements and outcomes, counted
    over consenting students only. Staff of the institution only."""
    selectors.access_staff(actor=request.user, institution_id=institution_id)
    f = rules.parse_filters(filters.dict())
    d = selectors.dashboard(actor=request.user, institution_id=institution_id, filters=f)
    return DashboardOut(
        institution_id=institution_id,
        students_sharing=d.sharing,
        applications=d.applications,
        selections=d.selections,
        completions=d.completions,
        cancelled=d.cancelled,
        completion_rate=d.completion_rate,
        employers_engaged=d.employers_engaged,
        earnings=[
            EarningsOut(currency=c, students=s, paid_engagements=n, total_minor=t)
            for c, s, n, t in d.earnings
        ],
        participation=[
            MonthOut(month=m, active_students=n)
            for m, n in zip(d.months, d.active_students, strict=True)
        ],
        top_skills=[CountOut(label=label, count=n) for label, n in d.top_skills],
        top_employers=[CountOut(label=label, count=n) for label, n in d.top_employers],
        equity=[_equity(r) for r in d.equity],
    )


@router.get(
    "/institutions/{institution_id}/reports/{table}",
    response={200: TableOut, **ERRORS},
    summary="Staff: one report table as JSON (the twin of its CSV export)",
    openapi_extra=ALSO_CSV,
)
def report(
    request: HttpRequest, institution_id: int, table: TableName, filters: Query[ReportQuery]
) -> TableOut | StreamingHttpResponse:
    """One report table as JSON (the twin of its CSV export on the website), or as that CSV
    file when asked with `Accept: text/csv`. Staff of the institution only; an unknown
    table is 404."""
    selectors.access_staff(actor=request.user, institution_id=institution_id)
    f = rules.parse_filters(filters.dict())
    t = selectors.report_table(
        actor=request.user, institution_id=institution_id, table=table, filters=f
    )
    if wants_csv(request):  # the same table as the website's CSV export
        return csv_download(t.columns, t.rows, f"{table}-{institution_id}.csv")
    columns = list(t.columns)
    return TableOut(
        table=t.name,
        title=t.title,
        columns=columns,
        rows=[dict(zip(columns, row, strict=True)) for row in t.rows],
    )


# --- Exclusive and endorsed opportunities ---------------------------------------------------


@router.get(
    "/institutions/{institution_id}/opportunities",
    response={200: list[OpportunityRowOut], **ERRORS},
    summary="Opportunities exclusive to or endorsed by the institution",
)
def opportunities(request: HttpRequest, institution_id: int) -> list[OpportunityRowOut]:
    """Postings exclusive to or endorsed by the institution. Its staff and students."""
    _, rows = selectors.institution_opportunities(actor=request.user, institution_id=institution_id)
    return [
        OpportunityRowOut(
            id=r.opportunity.pk,
            title=r.opportunity.title,
            employer=r.opportunity.employer.name,
            fee_minor=r.opportunity.fee_minor,
            currency=r.opportunity.currency,
            due_date=r.opportunity.due_date,
            exclusive=r.exclusive,
            endorsed=r.endorsement is not None,
            promoted=bool(r.endorsement and r.endorsement.promoted),
            note=r.endorsement.note if r.endorsement else "",
        )
        for r in rows
    ]


@router.post(
    "/institutions/{institution_id}/endorsements",
    response={200: EndorsementOut, **ERRORS},
    summary="Staff: endorse or promote an opportunity (or change the note)",
)
def endorse(request: HttpRequest, institution_id: int, payload: EndorsementIn) -> EndorsementOut:
    """Endorse or promote a posting to the institution's students, with a note (sending again
    changes the note). Staff of the institution only."""
    e = services.endorsement_set(
        actor=request.user,
        institution_id=institution_id,
        opportunity_id=payload.opportunity_id,
        note=payload.note,
        promoted=payload.promoted,
    )
    return _endorsement(e)


@router.delete(
    "/institutions/endorsements/{endorsement_id}",
    response={204: None, **ERRORS},
    summary="Staff: remove an endorsement",
)
def endorsement_remove(request: HttpRequest, endorsement_id: int) -> Status[None]:
    """Remove an endorsement. Staff of the institution only."""
    services.endorsement_remove(actor=request.user, endorsement_id=endorsement_id)
    return Status(204, None)


# --- Roster import -----------------------------------------------------------------------


def _cell_error(e: roster.RowError) -> RosterCellErrorOut:
    return RosterCellErrorOut(row=e.row, column=e.column, message=e.message)


@router.get(
    "/institutions/{institution_id}/roster",
    response={200: list[RosterEntryOut], **ERRORS},
    summary="Staff: the students on the institution's roster (or a program's, with program_id)",
)
def roster_list(
    request: HttpRequest, institution_id: int, program_id: int | None = None
) -> list[RosterEntryOut]:
    """The students on the institution's roster, or on a program's with `program_id`. Staff of
    the institution only."""
    target = selectors.access_roster(
        actor=request.user, institution_id=institution_id, program_id=program_id
    )
    return [
        RosterEntryOut(
            id=e.pk,
            program_id=e.program_id,
            email=e.email,
            full_name=e.full_name,
            programme=e.programme,
            graduation_year=e.graduation_year,
            updated_at=e.updated_at,
        )
        for e in selectors.roster_of(target)
    ]


@router.post(
    "/institutions/{institution_id}/roster/preview",
    response={200: RosterPreviewOut, **ERRORS},
    summary="Staff: what importing this roster CSV would do, row by row (saves nothing)",
)
def roster_preview(
    request: HttpRequest, institution_id: int, payload: RosterIn
) -> RosterPreviewOut:
    """What importing this roster CSV would do, row by row: students linked, invited or
    refused, and why. Saves nothing. Staff of the institution only."""
    target = selectors.access_roster(
        actor=request.user, institution_id=institution_id, program_id=payload.program_id
    )
    try:
        preview = selectors.roster_preview(target, payload.csv)
    except roster.RosterFileError as exc:
        raise DomainError("roster_unreadable", str(exc), "csv") from exc
    return RosterPreviewOut(
        ok=preview.ok,
        program_id=payload.program_id,
        new=preview.count_new,
        update=preview.count_update,
        unchanged=preview.count_unchanged,
        errors=[_cell_error(e) for e in preview.parsed.errors],
        ignored_columns=preview.parsed.ignored_columns,
        rows=[
            RosterPreviewRowOut(
                row=i.row.row,
                email=i.row.email,
                name=i.row.name,
                programme=i.row.programme,
                graduation_year=i.row.graduation_year,
                change=i.change,
                has_account=i.has_account,
                linked=i.linked,
                errors=[_cell_error(e) for e in i.row.errors],
            )
            for i in preview.rows
        ],
    )


@router.post(
    "/institutions/{institution_id}/roster",
    response={201: RosterImportOut, **ERRORS},
    summary="Staff: import a roster CSV, all rows or none "
    "(422 lists every error as rows.<row>.<column>)",
)
def roster_import(
    request: HttpRequest, institution_id: int, payload: RosterIn
) -> Status[RosterImportOut] | Status[dict[str, Any]]:
    """Import a roster CSV: every row or none. Errors are 422, each named `rows.<row>.<column>`
    so all can be fixed in one go. Staff of the institution only."""
    try:
        done = services.roster_import(
            actor=request.user,
            institution_id=institution_id,
            program_id=payload.program_id,
            csv_text=payload.csv,
        )
    except services.RosterInvalid as exc:
        return Status(
            422,
            {
                "detail": exc.message,
                "code": exc.code,
                "errors": [
                    {"field": services.roster_field(e), "message": e.message}
                    for e in exc.row_errors
                ],
            },
        )
    return Status(
        201,
        RosterImportOut(
            program_id=payload.program_id,
            created=done.created,
            updated=done.updated,
            unchanged=done.unchanged,
            cohort_added=done.cohort_added,
            not_linked=done.not_linked,
            cohort_note=done.cohort_note,
        ),
    )
