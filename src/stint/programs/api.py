"""The JSON twins of the program pages, under /api/v1/programs/…"""

from __future__ import annotations

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Router, Status

from stint.accounts.models import User
from stint.core.schemas import ERRORS, LIMITED_ERRORS
from stint.core.spreadsheet import ALSO_CSV, csv_download, wants_csv
from stint.programs import selectors, services
from stint.programs.models import AllocationRun, CreditRecord, Program, ProgramOpportunity
from stint.programs.schemas import (
    ChoiceOut,
    CohortBatchOut,
    CohortIn,
    CohortMemberOut,
    CreditOut,
    CreditRefreshOut,
    DecisionIn,
    EmployerRankingsIn,
    EntryIn,
    EntryOut,
    MyRankingsIn,
    PlacementOut,
    PrioritiesIn,
    ProgramApplicantOut,
    ProgramIn,
    ProgramOut,
    PublishOut,
    RankingOut,
    RankingWindowIn,
    RefusedOut,
    ResultOut,
    RunIn,
    RunOut,
)

router = Router()


def _program(p: Program, roles: frozenset[str] | set[str]) -> ProgramOut:
    return ProgramOut(
        id=p.pk,
        institution_id=p.institution_id,
        institution=p.institution.name,
        name=p.name,
        description=p.description,
        credit_bearing=p.credit_bearing,
        credits=p.credits,
        status=p.status,
        priority_mode=p.priority_mode,
        ranking_opens=p.ranking_opens,
        ranking_closes=p.ranking_closes,
        my_roles=sorted(roles),
    )


def _entry(e: ProgramOpportunity, access: selectors.ProgramAccess | None = None) -> EntryOut:
    return EntryOut(
        id=e.pk,
        opportunity_id=e.opportunity_id,
        title=e.opportunity.title,
        employer=e.opportunity.employer.name,
        openings=e.openings,
        status=e.status,
        proposed_by_side=e.proposed_by_side,
        can_decide=access is not None and selectors.can_decide(e, access),
    )


def _run(r: AllocationRun) -> RunOut:
    return RunOut(
        id=r.pk,
        program_id=r.program_id,
        status=r.status,
        progress=r.progress,
        optimal=r.optimal,
        engine_version=r.engine_version,
        published=r.published,
        error=r.error,
        stats=r.stats,
        created_at=r.created_at,
        finished_at=r.finished_at,
    )


def _credit(c: CreditRecord) -> CreditOut:
    return CreditOut(
        student_id=c.student_id,
        email=c.student.email,
        opportunity=c.opportunity.title,
        credits=c.credits,
        status=c.status,
        created_at=c.created_at,
    )


@router.get("/programs", response={200: list[ProgramOut], **ERRORS}, summary="Your programs")
def program_list(request: HttpRequest) -> list[ProgramOut]:
    """The cohort programs you take part in: as staff, as a student of the cohort, or as an
    employer with a project in it."""
    out = []
    for p in selectors.programs_for(request.user):
        out.append(_program(p, selectors.access_program(actor=request.user, program_id=p.pk).roles))
    return out


@router.post(
    "/programs", response={201: ProgramOut, **ERRORS}, summary="Staff: create a cohort program"
)
def program_create(request: HttpRequest, payload: ProgramIn) -> Status[ProgramOut]:
    """Create a cohort program for an institution, where students rank projects and a stable
    matching allocates them. Staff of the institution only."""
    p = services.program_create(actor=request.user, **payload.dict())
    return Status(201, _program(p, {"staff"}))


@router.get("/programs/{program_id}", response={200: ProgramOut, **ERRORS}, summary="One program")
def program_get(request: HttpRequest, program_id: int) -> ProgramOut:
    """One program, with its ranking window and state. Its staff, students and employers (404
    otherwise)."""
    access = selectors.access_program(actor=request.user, program_id=program_id)
    return _program(access.program, access.roles)


@router.post(
    "/programs/{program_id}/window",
    response={200: ProgramOut, **ERRORS},
    summary="Staff: open the ranking window",
)
def program_window(request: HttpRequest, program_id: int, payload: RankingWindowIn) -> ProgramOut:
    """Open the ranking window: students and employers may rank until it closes. Staff only; a
    program whose status does not allow it is 409 `bad_transition`."""
    p = services.program_window_open(
        actor=request.user,
        program_id=program_id,
        opens=payload.ranking_opens,
        closes=payload.ranking_closes,
    )
    return _program(p, {"staff"})


@router.post(
    "/programs/{program_id}/window/close",
    response={200: ProgramOut, **ERRORS},
    summary="Staff: close ranking now",
)
def program_window_close(request: HttpRequest, program_id: int) -> ProgramOut:
    """Close ranking now, before the window's end. Staff only."""
    p = services.program_window_close(actor=request.user, program_id=program_id)
    return _program(p, {"staff"})


@router.get(
    "/programs/{program_id}/opportunities",
    response={200: list[EntryOut], **ERRORS},
    summary="The program's opportunities (employers see their own, proposals included)",
)
def entry_list(request: HttpRequest, program_id: int) -> list[EntryOut]:
    """The program's projects. Staff and students see agreed ones; employers see their own,
    proposals included."""
    access = selectors.access_program(actor=request.user, program_id=program_id)
    return [_entry(e, access) for e in selectors.entries_for(access)]


@router.post(
    "/programs/{program_id}/opportunities",
    response={201: EntryOut, **LIMITED_ERRORS},
    summary="Propose an opportunity (staff), or offer your own (employer)",
)
def entry_propose(request: HttpRequest, program_id: int, payload: EntryIn) -> Status[EntryOut]:
    """Propose a posting for the program (staff) or offer one of your own (employer); the other
    side agrees or declines. Rate-limited per person (429 with `Retry-After`)."""
    e = services.entry_propose(actor=request.user, program_id=program_id, **payload.dict())
    return Status(201, _entry(e))


@router.post(
    "/programs/opportunities/{entry_id}/decision",
    response={200: EntryOut, **ERRORS},
    summary="Agree to or decline a proposed opportunity (the other side)",
)
def entry_decide(request: HttpRequest, entry_id: int, payload: DecisionIn) -> EntryOut:
    """Agree to or decline a proposed project. The side that did not propose it; a decided
    proposal is 409 `already_decided`."""
    return _entry(
        services.entry_decide(actor=request.user, entry_id=entry_id, accept=payload.accept)
    )


@router.get(
    "/programs/{program_id}/cohort",
    response={200: list[CohortMemberOut], **ERRORS},
    summary="Staff: the cohort",
)
def cohort_list(request: HttpRequest, program_id: int) -> list[CohortMemberOut]:
    """The students of the program's cohort. Staff only."""
    access = selectors.access_program(actor=request.user, program_id=program_id, role="staff")
    return [
        CohortMemberOut(student_id=m.student_id, email=m.student.email, name=m.student.display_name)
        for m in selectors.cohort_of(access.program)
    ]


@router.post(
    "/programs/{program_id}/cohort",
    response={201: list[CohortMemberOut], **ERRORS},
    summary="Staff: add affiliated students",
)
def cohort_add(
    request: HttpRequest, program_id: int, payload: CohortIn
) -> Status[list[CohortMemberOut]]:
    """Add students affiliated with the institution to the cohort. Staff only; students not
    affiliated with the institution are refused, naming them."""
    services.cohort_add(
        actor=request.user,
        program_id=program_id,
        student_ids=payload.student_ids,
        emails=payload.emails,
    )
    return Status(201, cohort_list(request, program_id))


@router.post(
    "/programs/{program_id}/cohort/batch",
    response={200: CohortBatchOut, **ERRORS},
    summary="Staff: add the affiliated students among those named, list the others",
)
def cohort_add_batch(request: HttpRequest, program_id: int, payload: CohortIn) -> CohortBatchOut:
    """Add the affiliated students among those named (by email) and list the others, without
    failing the batch. Staff only."""
    batch = services.cohort_add_batch(
        actor=request.user,
        program_id=program_id,
        student_ids=payload.student_ids,
        emails=payload.emails,
    )
    users = User.objects.in_bulk([m.student_id for m in batch.added])
    return CohortBatchOut(
        added=[
            CohortMemberOut(
                student_id=m.student_id,
                email=users[m.student_id].email,
                name=users[m.student_id].display_name,
            )
            for m in batch.added
        ],
        already_in=batch.already,
        refused=[RefusedOut(value=v, reason=r) for v, r in batch.refused],
    )


@router.delete(
    "/programs/{program_id}/cohort/{student_id}",
    response={204: None, **ERRORS},
    summary="Staff: remove a student",
)
def cohort_remove(request: HttpRequest, program_id: int, student_id: int) -> Status[None]:
    """Remove a student from the cohort. Staff only; once ranking is over this is 409
    `not_editable`."""
    services.cohort_remove(actor=request.user, program_id=program_id, student_id=student_id)
    return Status(204, None)


@router.put(
    "/programs/{program_id}/priorities",
    response={200: list[int], **ERRORS},
    summary="Staff: the institution's priority order",
)
def priorities_set(request: HttpRequest, program_id: int, payload: PrioritiesIn) -> list[int]:
    """The institution's priority order of students, used to break ties in the allocation.
    Staff only."""
    rows = services.priorities_set(
        actor=request.user, program_id=program_id, student_ids=payload.student_ids
    )
    return [r.student_id for r in rows]


@router.get(
    "/programs/{program_id}/choices",
    response={200: list[ChoiceOut], **ERRORS},
    summary="Student: the opportunities to rank, with your fit",
)
def choices(request: HttpRequest, program_id: int) -> list[ChoiceOut]:
    """The projects a student may rank, with how each fits them. Students of the cohort, while
    ranking is open."""
    access = selectors.access_program(actor=request.user, program_id=program_id, role="student")
    return [
        ChoiceOut(**{k: v for k, v in row.items() if k != "entry"})  # type: ignore[arg-type]
        for row in selectors.choices_for(access.program, request.user)
    ]


def _my_rankings(program: Program, request: HttpRequest) -> list[RankingOut]:
    return [
        RankingOut(
            entry_id=r.entry_id, title=r.entry.opportunity.title, rank=r.rank, fit_score=r.fit_score
        )
        for r in selectors.rankings_of(program, request.user)
    ]


@router.get(
    "/programs/{program_id}/my-rankings",
    response={200: list[RankingOut], **ERRORS},
    summary="Student: your ranking",
)
def my_rankings(request: HttpRequest, program_id: int) -> list[RankingOut]:
    """Your ranking of the program's projects, best first."""
    access = selectors.access_program(actor=request.user, program_id=program_id, role="student")
    return _my_rankings(access.program, request)


@router.put(
    "/programs/{program_id}/my-rankings",
    response={200: list[RankingOut], **ERRORS},
    summary="Student: replace your ranking (best first)",
)
def my_rankings_set(
    request: HttpRequest, program_id: int, payload: MyRankingsIn
) -> list[RankingOut]:
    """Replace your ranking, best first. Students of the cohort while ranking is open (409
    `not_ranking` otherwise); an unknown or repeated project is 422."""
    services.student_rankings_set(
        actor=request.user, program_id=program_id, entry_ids=payload.entry_ids
    )
    return my_rankings(request, program_id)


@router.get(
    "/programs/opportunities/{entry_id}/applicants",
    response={200: list[ProgramApplicantOut], **ERRORS},
    summary="Employer: students who ranked this opportunity, in your order",
)
def applicants(request: HttpRequest, entry_id: int) -> list[ProgramApplicantOut]:
    """Students who ranked one of your projects, in your order (or by fit when you have not
    ranked). Members of the project's employer."""
    from stint.programs.selectors import access_entry_as_employer

    entry = access_entry_as_employer(actor=request.user, entry_id=entry_id)
    return [
        ProgramApplicantOut(
            student_id=row["student_id"],  # type: ignore[arg-type]
            name=row["student"].display_name,  # type: ignore[attr-defined]
            fit_score=row["fit_score"],  # type: ignore[arg-type]
            rank=row["rank"],  # type: ignore[arg-type]
            score=row["score"],  # type: ignore[arg-type]
        )
        for row in selectors.applicants_of(entry)
    ]


@router.put(
    "/programs/opportunities/{entry_id}/rankings",
    response={200: list[ProgramApplicantOut], **ERRORS},
    summary="Employer: rank or score applicants (empty: use the engine's fit)",
)
def employer_rankings_set(
    request: HttpRequest, entry_id: int, payload: EmployerRankingsIn
) -> list[ProgramApplicantOut]:
    """Rank or score the students who ranked your project; an empty list falls back to the
    engine's fit. Members of the project's employer, while ranking is open."""
    services.employer_rankings_set(
        actor=request.user,
        entry_id=entry_id,
        choices=[services.EmployerChoice(**c.dict()) for c in payload.choices],
    )
    return applicants(request, entry_id)


@router.get(
    "/programs/{program_id}/runs",
    response={200: list[RunOut], **ERRORS},
    summary="Staff: allocation runs",
)
def run_list(request: HttpRequest, program_id: int) -> list[RunOut]:
    """The program's allocation runs, newest first. Staff only."""
    access = selectors.access_program(actor=request.user, program_id=program_id, role="staff")
    return [_run(r) for r in selectors.runs_of(access.program)]


@router.post(
    "/programs/{program_id}/runs",
    response={202: RunOut, **ERRORS},
    summary="Staff: run the allocation (background task)",
)
def run_start(request: HttpRequest, program_id: int, payload: RunIn) -> Status[RunOut]:
    """Run the allocation (a stable matching over both sides' rankings) as a background task;
    poll the run for its result. Staff only; a program not ready to allocate is 409
    `cannot_run`, one already running 409 `run_in_progress`."""
    run = services.allocation_run_start(
        actor=request.user, program_id=program_id, optimal=payload.optimal
    )
    return Status(202, _run(run))


@router.get("/programs/runs/{run_id}", response={200: RunOut, **ERRORS}, summary="Staff: one run")
def run_get(request: HttpRequest, run_id: int) -> RunOut:
    """One allocation run: its state, figures and any failure. Staff only."""
    run, _ = selectors.access_run(actor=request.user, run_id=run_id)
    return _run(run)


@router.get(
    "/programs/runs/{run_id}/placements",
    response={200: list[PlacementOut], **ERRORS},
    summary="Staff: who got which project in a run",
)
def run_placements(request: HttpRequest, run_id: int) -> list[PlacementOut]:
    """Who got which project in a run, with why. Staff only."""
    run, _ = selectors.access_run(actor=request.user, run_id=run_id)
    return [
        PlacementOut(
            student_id=p.student.pk,
            name=p.student.display_name,
            email=p.student.email,
            entry_id=p.entry.pk,
            opportunity_id=p.entry.opportunity_id,
            title=p.entry.opportunity.title,
            employer=p.entry.opportunity.employer.name,
            choice=p.choice,
        )
        for p in selectors.run_placements(run)
    ]


@router.post(
    "/programs/runs/{run_id}/publish",
    response={200: PublishOut, **ERRORS},
    summary="Staff: publish the run (makes the offers; idempotent)",
)
def run_publish(request: HttpRequest, run_id: int) -> PublishOut:
    """Publish a finished run: offers are made to the students placed. Idempotent: publishing
    again answers the same offers. Staff only; a run not finished and stable is 409
    `run_not_done`, another published run 409 `already_published`."""
    report = services.allocation_publish(actor=request.user, run_id=run_id)
    return PublishOut(run=_run(report.run), offers_created=report.created, skipped=report.skipped)


@router.get(
    "/programs/{program_id}/my-result",
    response={200: ResultOut, **ERRORS},
    summary="Student: your placement and why",
)
def my_result(request: HttpRequest, program_id: int) -> ResultOut:
    """Your placement in a published allocation, and why. Students of the cohort; 404 until a
    run is published."""
    access = selectors.access_program(actor=request.user, program_id=program_id, role="student")
    r = selectors.student_result(access.program, request.user)
    return ResultOut(
        published=r.published,
        entry_id=r.entry.pk if r.entry else None,
        title=r.entry.opportunity.title if r.entry else None,
        choice=r.choice,
        explanation=r.explanation,
    )


@router.get(
    "/programs/{program_id}/credits",
    response={200: list[CreditOut], **ERRORS},
    summary="Staff: credit records",
    openapi_extra=ALSO_CSV,
)
def credit_list(request: HttpRequest, program_id: int) -> list[CreditOut] | StreamingHttpResponse:
    """The program's academic credit records, or the website's CSV export of them when
    asked with `Accept: text/csv`. Staff only."""
    access = selectors.access_program(actor=request.user, program_id=program_id, role="staff")
    if wants_csv(request):
        return csv_download(
            selectors.CREDIT_COLUMNS,
            selectors.credits_table(access.program),
            f"program-{program_id}-credits.csv",
        )
    return [_credit(c) for c in selectors.credits_of(access.program)]


@router.post(
    "/programs/{program_id}/credits/refresh",
    response={200: CreditRefreshOut, **ERRORS},
    summary="Staff: record credit for completed engagements (idempotent)",
)
def credit_refresh(request: HttpRequest, program_id: int) -> CreditRefreshOut:
    """Record credit for students' completed engagements. Idempotent: running it again records
    nothing new. Staff only."""
    created = services.credit_records_refresh_for(actor=request.user, program_id=program_id)
    return CreditRefreshOut(created=created, records=credit_list(request, program_id))
