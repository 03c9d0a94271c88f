"""Reads for cohort programs and the access checks that fetch and authorise in one
call. A program is seen by its institution's members (staff), its cohort
(students) and the members of employers with an opportunity in it; anyone else
gets NotFound, so ids never reveal which programs exist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Count, Q, QuerySet

from stint.accounts.models import User
from stint.core.errors import Forbidden, NotFound
from stint.orgs.models import Membership
from stint.programs import rules
from stint.programs.models import (
    AllocationRun,
    CohortMember,
    CreditRecord,
    EmployerRanking,
    Placement,
    Program,
    ProgramOpportunity,
    ProposalStatus,
    Side,
    StudentRanking,
)

Role = Literal["staff", "student", "employer"]


@dataclass(frozen=True)
class ProgramAccess:
    program: Program
    roles: frozenset[str]
    employer_ids: frozenset[int]  # the actor's employers with an entry in the program

    @property
    def is_staff(self) -> bool:
        return "staff" in self.roles

    @property
    def is_student(self) -> bool:
        return "student" in self.roles

    @property
    def is_employer(self) -> bool:
        return "employer" in self.roles


def _org_ids(user: User) -> set[int]:
    return set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))


def access_program(
    *, actor: User, program_id: int, role: Role | None = None, for_update: bool = False
) -> ProgramAccess:
    """The program and the actor's roles in it; with `role`, the actor must hold it
    (Forbidden when they may see the program but not act in that role)."""
    if not actor.is_authenticated:
        raise NotFound("No such program.")
    qs = Program.objects.select_related("institution")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    program = qs.filter(pk=program_id).first()
    if program is None:
        raise NotFound("No such program.")
    orgs = _org_ids(actor)
    roles = set()
    if program.institution_id in orgs:
        roles.add("staff")
    if CohortMember.objects.filter(program=program, student=actor).exists():
        roles.add("student")
    employer_ids = frozenset(
        ProgramOpportunity.objects.filter(
            program=program, opportunity__employer_id__in=orgs
        ).values_list("opportunity__employer_id", flat=True)
    )
    if employer_ids:
        roles.add("employer")
    if not roles:
        raise NotFound("No such program.")
    if role is not None and role not in roles:
        raise Forbidden(f"Only the program's {role} can do that.")
    return ProgramAccess(program=program, roles=frozenset(roles), employer_ids=employer_ids)


def access_entry(
    *, actor: User, entry_id: int, for_update: bool = False
) -> tuple[ProgramOpportunity, ProgramAccess]:
    qs = ProgramOpportunity.objects.select_related("opportunity", "opportunity__employer")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    entry = qs.filter(pk=entry_id).first()
    if entry is None:
        raise NotFound("No such program opportunity.")
    access = access_program(actor=actor, program_id=entry.program_id)
    if not access.is_staff and entry.opportunity.employer_id not in access.employer_ids:
        raise NotFound("No such program opportunity.")
    return entry, access


def access_entry_as_employer(
    *, actor: User, entry_id: int, for_update: bool = False
) -> ProgramOpportunity:
    entry, access = access_entry(actor=actor, entry_id=entry_id, for_update=for_update)
    if entry.opportunity.employer_id not in access.employer_ids:
        raise Forbidden("Only the employer's team can do that.")
    return entry


def access_run(
    *, actor: User, run_id: int, for_update: bool = False
) -> tuple[AllocationRun, ProgramAccess]:
    """Runs are the staff's: everyone else gets NotFound."""
    qs = AllocationRun.objects.all()
    if for_update:
        qs = qs.select_for_update()
    run = qs.filter(pk=run_id).first()
    if run is None:
        raise NotFound("No such allocation run.")
    try:
        access = access_program(actor=actor, program_id=run.program_id, role="staff")
    except Forbidden as exc:
        raise NotFound("No such allocation run.") from exc
    return run, access


@dataclass(frozen=True)
class RunPlacement:
    """Who got which project in a finished run (issue 14 item 14)."""

    student: User
    entry: ProgramOpportunity
    choice: int | None  # the position of the project in the student's ranking

    @property
    def choice_label(self) -> str:
        return f"{rules.ordinal(self.choice)} choice" if self.choice else ""


def run_placements(run: AllocationRun) -> list[RunPlacement]:
    """Every placed student of a finished run with their project, by project then name."""
    projects = run.inputs.get("project_ids", [])
    choices = run.inputs.get("choices", [])
    placed = [
        (i, student_id, p)
        for i, (student_id, p) in enumerate(
            zip(
                run.inputs.get("student_ids", []),
                run.result.get("student_project", []),
                strict=False,
            )
        )
        if p is not None and p >= 0
    ]
    users = User.objects.in_bulk([student_id for _, student_id, _ in placed])
    entries = ProgramOpportunity.objects.select_related(
        "opportunity", "opportunity__employer"
    ).in_bulk([projects[p] for _, _, p in placed])
    rows = []
    for i, student_id, p in placed:
        student, entry = users.get(student_id), entries.get(projects[p])
        if student is None or entry is None:
            continue  # removed since the run
        ranking = choices[i] if i < len(choices) else []
        choice = ranking.index(p) + 1 if p in ranking else None
        rows.append(RunPlacement(student=student, entry=entry, choice=choice))
    rows.sort(key=lambda r: (r.entry.pk, r.student.display_name.lower()))
    return rows


def programs_for(user: User) -> QuerySet[Program]:
    orgs = _org_ids(user)
    return (
        Program.objects.filter(
            Q(institution_id__in=orgs)
            | Q(cohort__student=user)
            | Q(entries__opportunity__employer_id__in=orgs)
        )
        .select_related("institution")
        .distinct()
        .order_by("-created_at")
    )


def entries_of(program: Program, *, accepted_only: bool = False) -> QuerySet[ProgramOpportunity]:
    qs = ProgramOpportunity.objects.filter(program=program).select_related(
        "opportunity", "opportunity__employer"
    )
    if accepted_only:
        qs = qs.filter(status=ProposalStatus.ACCEPTED)
    return qs.annotate(ranked_by=Count("student_rankings", distinct=True)).order_by("pk")


def entries_for(access: ProgramAccess) -> QuerySet[ProgramOpportunity]:
    """The entries the actor may list: staff every one; an employer's team its own in
    any state (a proposal addressed to it is what it agrees to or declines); students
    the accepted ones. Nobody sees another employer's pending or declined proposals."""
    qs = entries_of(access.program)
    if access.is_staff:
        return qs
    own = Q(opportunity__employer_id__in=access.employer_ids)
    if access.is_student:
        return qs.filter(own | Q(status=ProposalStatus.ACCEPTED))
    return qs.filter(own)


def can_decide(entry: ProgramOpportunity, access: ProgramAccess) -> bool:
    """Whether the actor is on the side that agrees to or declines this proposal."""
    if entry.status != ProposalStatus.PROPOSED:
        return False
    if entry.proposed_by_side == Side.INSTITUTION:
        return entry.opportunity.employer_id in access.employer_ids
    return access.is_staff


def cohort_of(program: Program) -> QuerySet[CohortMember]:
    return program.cohort.select_related("student").order_by("student__email")


def rankings_of(program: Program, student: User) -> QuerySet[StudentRanking]:
    return StudentRanking.objects.filter(program=program, student=student).select_related(
        "entry", "entry__opportunity", "entry__opportunity__employer"
    )


def applicants_of(entry: ProgramOpportunity) -> list[dict[str, object]]:
    """The students who ranked this opportunity, the employer's rank/score of each
    and the engine's fit, in the default order (fit) when unranked."""
    theirs = {r.student_id: r for r in EmployerRanking.objects.filter(entry=entry).order_by("pk")}
    rows = []
    for r in StudentRanking.objects.filter(entry=entry).select_related("student"):
        mine = theirs.get(r.student_id)
        rows.append(
            {
                "student": r.student,
                "student_id": r.student_id,
                "fit_score": r.fit_score,
                "rank": mine.rank if mine else None,
                "score": mine.score if mine else None,
            }
        )
    rows.sort(
        key=lambda x: (
            x["rank"] is None,
            x["rank"] or 0,
            -(x["score"] or 0),
            -(x["fit_score"] or 0),
            x["student_id"],
        )
    )
    return rows


def runs_of(program: Program) -> QuerySet[AllocationRun]:
    return program.runs.defer("inputs", "result").order_by("-created_at", "-pk")


def published_run(program: Program) -> AllocationRun | None:
    return AllocationRun.objects.filter(program=program, published=True).first()


def credits_of(program: Program) -> QuerySet[CreditRecord]:
    return CreditRecord.objects.filter(program=program).select_related("student", "opportunity")


CREDIT_COLUMNS = (
    "student_email",
    "student_name",
    "opportunity",
    "credits",
    "status",
    "completed_at",
)


def credits_table(program: Program) -> list[tuple[Any, ...]]:
    """The credit records as rows of CREDIT_COLUMNS: the CSV download's body."""
    return [
        (
            c.student.email,
            c.student.display_name,
            c.opportunity.title,
            c.credits,
            c.status,
            c.created_at,
        )
        for c in credits_of(program)
    ]


def counts(program: Program) -> dict[str, int]:
    """Headline numbers for the program page."""
    return {
        "entries": ProgramOpportunity.objects.filter(
            program=program, status=ProposalStatus.ACCEPTED
        ).count(),
        "cohort": CohortMember.objects.filter(program=program).count(),
        "ranked": StudentRanking.objects.filter(program=program)
        .values("student_id")
        .distinct()
        .count(),
        "placements": Placement.objects.filter(program=program).count(),
        "credits": CreditRecord.objects.filter(program=program).count(),
    }


def choices_for(program: Program, student: User) -> list[dict[str, object]]:
    """Every agreed opportunity of the program with the engine's fit for this student,
    best fit first, to help them choose (their ranking is their own decision)."""
    from stint.matching.engine import fit_for

    rows = []
    for entry in entries_of(program, accepted_only=True).prefetch_related(
        "opportunity__skills", "opportunity__allowed_institutions"
    ):
        fit = fit_for(student, entry.opportunity)
        rows.append(
            {
                "entry": entry,
                "entry_id": entry.pk,
                "title": entry.opportunity.title,
                "employer": entry.opportunity.employer.name,
                "fit_score": fit.score,
                "fit_explanation": fit.explanation,
                "excluded_because": fit.excluded_because,
                "fit": fit,  # the band and calibrated percentage for the page
            }
        )
    rows.sort(key=lambda r: -float(r["fit_score"]))  # type: ignore[arg-type]
    return rows


@dataclass(frozen=True)
class StudentResult:
    published: bool
    entry: ProgramOpportunity | None
    choice: int | None
    explanation: list[str]


def student_result(program: Program, student: User) -> StudentResult:
    """The student's placement in the published run and why, in sentences."""
    from stint.matching.allocation import explain

    run = published_run(program)
    if run is None:
        return StudentResult(published=False, entry=None, choice=None, explanation=[])
    explained = explain(run.inputs, run.result.get("student_project", []), run.optimal, student.pk)
    if explained is None:
        return StudentResult(
            published=True,
            entry=None,
            choice=None,
            explanation=["You joined the cohort after the allocation ran."],
        )
    entries = {
        e.pk: e
        for e in ProgramOpportunity.objects.filter(program=program).select_related(
            "opportunity", "opportunity__employer"
        )
    }
    titles = {pk: e.opportunity.title for pk, e in entries.items()}
    pid = explained["project_id"]
    return StudentResult(
        published=True,
        entry=entries.get(pid) if pid is not None else None,
        choice=explained["choice"],
        explanation=rules.explanation_sentences(explained, titles),
    )
