"""Rankings: each student's list of opportunities, each employer's ranks or scores of its
applicants, and the institution's own priority order of its cohort."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError, Forbidden
from stint.matching.engine import fit_for
from stint.programs import rules
from stint.programs.models import (
    CohortMember,
    EmployerRanking,
    InstitutionPriority,
    ProgramOpportunity,
    ProgramStatus,
    ProposalStatus,
    StudentRanking,
)
from stint.programs.selectors import access_entry, access_program


@transaction.atomic
def student_rankings_set(
    *, actor: User, program_id: int, entry_ids: list[int]
) -> list[StudentRanking]:
    """Replace the student's whole list, best first. The engine's fit for each choice
    is kept with it: it orders the student among applicants the employer did not rank."""
    access = access_program(actor=actor, program_id=program_id, role="student")
    p = access.program
    refusal = rules.ranking_refusal(p.status, p.ranking_opens, p.ranking_closes, timezone.now())
    if refusal:
        raise ConflictError("ranking_closed", refusal, "entry_ids")
    entries = {
        e.pk: e
        for e in ProgramOpportunity.objects.filter(
            program=p, status=ProposalStatus.ACCEPTED
        ).select_related("opportunity", "opportunity__employer")
    }
    problem = rules.choices_refusal(list(entry_ids), set(entries))
    if problem:
        raise DomainError("bad_choices", problem[0], problem[1])
    # One student's list changes in one transaction at a time.
    CohortMember.objects.select_for_update().filter(program=p, student=actor).first()
    StudentRanking.objects.filter(program=p, student=actor).delete()
    rows = []
    for rank, eid in enumerate(entry_ids, start=1):
        entry = entries[eid]
        fit = fit_for(actor, entry.opportunity)
        rows.append(
            StudentRanking(program=p, student=actor, entry=entry, rank=rank, fit_score=fit.score)
        )
    return StudentRanking.objects.bulk_create(rows)


@dataclass(frozen=True)
class EmployerChoice:
    student_id: int
    rank: int | None = None
    score: float | None = None


@transaction.atomic
def employer_rankings_set(
    *, actor: User, entry_id: int, choices: list[EmployerChoice]
) -> list[EmployerRanking]:
    """Replace the employer's ranks/scores of this opportunity's applicants. An empty
    list means: order them by the engine's fit (the default)."""
    entry, access = access_entry(actor=actor, entry_id=entry_id, for_update=True)
    if entry.opportunity.employer_id not in access.employer_ids:
        raise Forbidden("Only the employer's team can rank its applicants.")
    p = access.program
    if p.status not in (ProgramStatus.RANKING, ProgramStatus.ALLOCATED):
        raise ConflictError("not_ranking", "Rankings can change only before publishing.", "choices")
    applicants = set(
        StudentRanking.objects.filter(entry=entry).values_list("student_id", flat=True)
    )
    seen_students: set[int] = set()
    seen_ranks: set[int] = set()
    for i, c in enumerate(choices):
        if c.student_id not in applicants:
            raise DomainError(
                "not_applicant",
                f"Student {c.student_id} did not rank this opportunity.",
                f"choices.{i}.student_id",
            )
        if c.student_id in seen_students:
            raise DomainError(
                "duplicate_student", "Each student appears once.", f"choices.{i}.student_id"
            )
        if c.rank is None and c.score is None:
            raise DomainError("rank_or_score", "Give a rank or a score.", f"choices.{i}.rank")
        if c.rank is not None:
            if c.rank < 1:
                raise DomainError("bad_rank", "Ranks start at 1.", f"choices.{i}.rank")
            if c.rank in seen_ranks:
                raise DomainError(
                    "duplicate_rank", f"Rank {c.rank} is given twice.", f"choices.{i}.rank"
                )
            seen_ranks.add(c.rank)
        if c.score is not None and not math.isfinite(c.score):
            raise DomainError("bad_score", "Scores are numbers.", f"choices.{i}.score")
        seen_students.add(c.student_id)
    EmployerRanking.objects.filter(entry=entry).delete()
    return EmployerRanking.objects.bulk_create(
        EmployerRanking(program=p, entry=entry, student_id=c.student_id, rank=c.rank, score=c.score)
        for c in choices
    )


@transaction.atomic
def priorities_set(
    *, actor: User, program_id: int, student_ids: list[int]
) -> list[InstitutionPriority]:
    """The institution's own order of its cohort (first = highest priority)."""
    p = access_program(actor=actor, program_id=program_id, role="staff", for_update=True).program
    refusal = rules.setup_refusal(p.status)
    if refusal:
        raise ConflictError("not_editable", refusal)
    cohort = set(CohortMember.objects.filter(program=p).values_list("student_id", flat=True))
    seen: set[int] = set()
    for i, sid in enumerate(student_ids):
        if sid not in cohort:
            raise DomainError(
                "not_in_cohort", f"Student {sid} is not in the cohort.", f"student_ids.{i}"
            )
        if sid in seen:
            raise DomainError("duplicate_student", "Each student appears once.", f"student_ids.{i}")
        seen.add(sid)
    InstitutionPriority.objects.filter(program=p).delete()
    return InstitutionPriority.objects.bulk_create(
        (
            InstitutionPriority(program=p, student_id=sid, priority=i)
            for i, sid in enumerate(student_ids, start=1)
        ),
        batch_size=1000,
    )
