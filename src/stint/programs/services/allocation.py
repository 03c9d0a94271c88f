"""Allocation runs: queued by staff, solved by the engine in a background task from a
snapshot of the rankings, with the run's result and statistics kept on the row."""

from __future__ import annotations

import logging

import numpy as np
from django.db import transaction
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError
from stint.core.tasks import enqueue_on_commit
from stint.matching import allocation as engine_allocation
from stint.programs import rules
from stint.programs.models import (
    AllocationRun,
    CohortMember,
    EmployerRanking,
    InstitutionPriority,
    Optimal,
    PriorityMode,
    Program,
    ProgramOpportunity,
    ProgramStatus,
    ProposalStatus,
    RunStatus,
    StudentRanking,
)
from stint.programs.selectors import access_program

log = logging.getLogger(__name__)


@transaction.atomic
def allocation_run_start(
    *, actor: User, program_id: int, optimal: str = Optimal.STUDENT
) -> AllocationRun:
    """Queue a run; the `run_allocation` task solves it after commit. Earlier runs are kept."""
    p = access_program(actor=actor, program_id=program_id, role="staff", for_update=True).program
    if optimal not in Optimal.values:
        raise DomainError("bad_optimal", "Choose student or project.", "optimal")
    refusal = rules.run_refusal(p.status, p.ranking_closes, timezone.now())
    if refusal:
        raise ConflictError("cannot_run", refusal)
    if AllocationRun.objects.filter(
        program=p, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
    ).exists():
        raise ConflictError("run_in_progress", "An allocation is already running.")
    run = AllocationRun.objects.create(program=p, optimal=optimal, created_by=actor)
    from stint.programs.tasks import run_allocation

    enqueue_on_commit(run_allocation, run.pk)
    return run


def _progress(run: AllocationRun, value: int) -> None:
    AllocationRun.objects.filter(pk=run.pk).update(progress=value)


def build_inputs(program: Program) -> dict[str, object]:
    """The allocation's inputs from the database, as the snapshot the run keeps."""
    entries = list(
        ProgramOpportunity.objects.filter(program=program, status=ProposalStatus.ACCEPTED)
        .order_by("pk")
        .values_list("pk", "openings")
    )
    entry_index = {pk: i for i, (pk, _) in enumerate(entries)}
    students = list(
        CohortMember.objects.filter(program=program)
        .order_by("student_id")
        .values_list("student_id", flat=True)
    )
    student_index = {s: i for i, s in enumerate(students)}
    n = len(students)
    rows = list(
        StudentRanking.objects.filter(program=program, entry__status=ProposalStatus.ACCEPTED)
        .order_by("student_id", "rank")
        .values_list("student_id", "entry_id", "rank", "fit_score")
    )
    rows = [r for r in rows if r[0] in student_index]
    k = max(1, min(rules.MAX_CHOICES, max((r[2] for r in rows), default=1)))
    choices = np.full((n, k), -1, dtype=np.int64)
    choice_rank = np.full((n, k), -1, dtype=np.int64)
    if rows:
        arr_s = np.fromiter((student_index[r[0]] for r in rows), dtype=np.int64, count=len(rows))
        arr_e = np.fromiter((entry_index[r[1]] for r in rows), dtype=np.int64, count=len(rows))
        arr_r = np.fromiter((r[2] for r in rows), dtype=np.int64, count=len(rows))
        arr_fit = np.fromiter(
            (np.nan if r[3] is None else r[3] for r in rows), dtype=float, count=len(rows)
        )
        keep = arr_r <= k
        arr_s, arr_e, arr_r, arr_fit = arr_s[keep], arr_e[keep], arr_r[keep], arr_fit[keep]
        # The employer's ranks/scores and the institution's priorities, per pair.
        emp_rank = np.full(len(arr_s), np.nan)
        emp_score = np.full(len(arr_s), np.nan)
        pair_of = {(int(s), int(e)): i for i, (s, e) in enumerate(zip(arr_s, arr_e, strict=True))}
        for sid, eid, rank, score in EmployerRanking.objects.filter(program=program).values_list(
            "student_id", "entry_id", "rank", "score"
        ):
            i = pair_of.get((student_index.get(sid, -1), entry_index.get(eid, -1)))
            if i is not None:
                emp_rank[i] = np.nan if rank is None else rank
                emp_score[i] = np.nan if score is None else score
        prio_by_student = np.full(n, np.nan)
        if program.priority_mode != PriorityMode.NONE:
            for sid, prio in InstitutionPriority.objects.filter(program=program).values_list(
                "student_id", "priority"
            ):
                if sid in student_index:
                    prio_by_student[student_index[sid]] = prio
        ranks = rules.owner_ranks(
            pair_entry=arr_e,
            pair_student=arr_s,
            employer_rank=emp_rank,
            employer_score=emp_score,
            fit=arr_fit,
            priority=prio_by_student[arr_s],
            mode=program.priority_mode,
        )
        choices[arr_s, arr_r - 1] = arr_e
        choice_rank[arr_s, arr_r - 1] = ranks
    return engine_allocation.make_inputs(
        student_ids=students,
        project_ids=[pk for pk, _ in entries],
        capacity=[openings for _, openings in entries],
        choices=choices,
        choice_rank=choice_rank,
    )


def allocation_run_execute(*, run_id: int) -> AllocationRun | None:
    """Solve one queued run (the task's body). Idempotent: a run that is not queued
    is left alone. Progress is saved on the row as it goes; failures are recorded."""
    with transaction.atomic():
        run = AllocationRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status != RunStatus.QUEUED:
            return run
        run.status = RunStatus.RUNNING
        run.started_at = timezone.now()
        run.progress = 5
        run.save(update_fields=["status", "started_at", "progress"])
    try:
        program = Program.objects.get(pk=run.program_id)
        t0 = timezone.now()
        inputs = build_inputs(program)
        _progress(run, 40)
        solved = engine_allocation.solve(inputs, run.optimal)
        _progress(run, 80)
        result, stats = _summarise(inputs, solved)
        stats["seconds"] = {
            "inputs": round(
                (timezone.now() - t0).total_seconds() - sum(solved.seconds.values()), 4
            ),
            **{k: round(v, 4) for k, v in solved.seconds.items()},
        }
        with transaction.atomic():
            run = AllocationRun.objects.select_for_update().get(pk=run_id)
            run.inputs = inputs
            run.result = result
            run.stats = stats
            run.engine_version = solved.engine_version
            run.status = RunStatus.DONE if solved.stable else RunStatus.FAILED
            run.error = "" if solved.stable else "The engine's stability check failed."
            run.progress = 100
            run.finished_at = timezone.now()
            run.save()
            Program.objects.filter(pk=program.pk, status=ProgramStatus.RANKING).update(
                status=ProgramStatus.ALLOCATED, updated_at=timezone.now()
            )
    except Exception as exc:
        log.exception("allocation run %s failed", run_id)
        AllocationRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    return run


def _summarise(
    inputs: dict[str, object], solved: engine_allocation.Solved
) -> tuple[dict[str, object], dict[str, object]]:
    student_ids: list[int] = inputs["student_ids"]  # type: ignore[assignment]
    project_ids: list[int] = inputs["project_ids"]  # type: ignore[assignment]
    capacity: list[int] = inputs["capacity"]  # type: ignore[assignment]
    choices = np.asarray(inputs["choices"], dtype=np.int64).reshape(len(student_ids), -1)
    sp = solved.student_project
    matched = sp >= 0
    ranked = (choices >= 0).sum(axis=1) if len(student_ids) else np.zeros(0, dtype=np.int64)
    fill = np.bincount(sp[matched], minlength=len(project_ids)) if len(project_ids) else []
    k = choices.shape[1] if choices.ndim == 2 else 0
    result = {
        "student_project": sp.tolist(),
        "choice": solved.choice.tolist(),
    }
    stats = {
        "students": len(student_ids),
        "projects": len(project_ids),
        "places": int(sum(capacity)),
        "matched": int(matched.sum()),
        "unmatched": int((~matched).sum()),
        "first_choice": int((solved.choice == 1).sum()),
        "by_choice": rules.share_by_rank(solved.choice.tolist(), k),
        "fill": [
            {"entry_id": pid, "filled": int(fill[i]), "openings": int(capacity[i])}
            for i, pid in enumerate(project_ids)
        ],
        "unmatched_students": [
            {
                "student_id": student_ids[s],
                "reason": rules.unmatched_reason(int(solved.usable[s]), int(ranked[s])),
            }
            for s in np.flatnonzero(~matched).tolist()
        ],
        "stable": solved.stable,
        "blocking_pairs": solved.blocking_pairs,
        "dropped": solved.dropped,
    }
    return result, stats


def run_assignment(run: AllocationRun) -> dict[int, int | None]:
    """student id → program opportunity id (None when unmatched) of a finished run."""
    students = run.inputs.get("student_ids", [])
    projects = run.inputs.get("project_ids", [])
    sp = run.result.get("student_project", [])
    return {s: (projects[p] if p >= 0 else None) for s, p in zip(students, sp, strict=True)}
