"""Writes for cohort programs: set-up (opportunities agreed by both sides, the
cohort, the ranking window), rankings from students, employers and the
institution, allocation runs (a background task), publishing the offers and
academic credit.

Row locks are taken in one order: Program → ProgramOpportunity → CohortMember,
and when publishing Opportunity → Application → Offer (the applications app's order).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from stint.accounts.models import User
from stint.applications import rules as app_rules
from stint.applications.models import (
    OPEN_STATUSES,
    Application,
    ApplicationStatus,
    Offer,
    OfferStatus,
)
from stint.audit import services as audit
from stint.core import ratelimit
from stint.core.errors import ConflictError, DomainError, Forbidden, NotFound
from stint.core.tasks import enqueue_on_commit
from stint.core.text import single_line
from stint.engagements.models import Engagement
from stint.matching import allocation as engine_allocation
from stint.matching.engine import fit_for
from stint.notifications.services import notify
from stint.opportunities.models import Opportunity, OpportunityStatus
from stint.opportunities.selectors import visible_to_institution_q
from stint.orgs.models import Affiliation, Membership, Organisation, OrgKind
from stint.programs import rules
from stint.programs.models import (
    AllocationRun,
    CohortMember,
    CreditRecord,
    EmployerRanking,
    InstitutionPriority,
    Optimal,
    Placement,
    PriorityMode,
    Program,
    ProgramOpportunity,
    ProgramStatus,
    ProposalStatus,
    RunStatus,
    Side,
    StudentRanking,
)
from stint.programs.selectors import access_entry, access_program, access_run

log = logging.getLogger(__name__)

MAX_COHORT_BATCH = 5000


# --- Programs ----------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    name = single_line(name, "name")
    if len(name) < 3:
        raise DomainError(
            "name_required", "Give the program a name of at least 3 characters.", "name"
        )
    if len(name) > 140:
        raise DomainError("name_too_long", "Program names are at most 140 characters.", "name")
    return name


def _check_credits(credit_bearing: bool, credits: int) -> None:
    if credits < 0 or credits > 60:
        raise DomainError("bad_credits", "Credits are between 0 and 60.", "credits")
    if credit_bearing and credits == 0:
        raise DomainError(
            "credits_required", "A credit-bearing program awards at least 1 credit.", "credits"
        )


@transaction.atomic
def program_create(
    *,
    actor: User,
    institution_id: int,
    name: str,
    description: str = "",
    credit_bearing: bool = False,
    credits: int = 0,
    priority_mode: str = PriorityMode.NONE,
) -> Program:
    institution = Organisation.objects.filter(pk=institution_id).first()
    if (
        institution is None
        or not actor.is_authenticated
        or not Membership.objects.filter(user=actor, organisation=institution).exists()
    ):
        raise DomainError(
            "no_institution", "Choose an institution you are staff of.", "institution_id"
        )
    if institution.kind != OrgKind.INSTITUTION:
        raise DomainError(
            "not_institution", "Only institutions run cohort programs.", "institution_id"
        )
    if priority_mode not in PriorityMode.values:
        raise DomainError(
            "bad_priority_mode", "Choose none, tie_break or override.", "priority_mode"
        )
    _check_credits(credit_bearing, credits)
    if len(description) > 5000:
        raise DomainError(
            "description_too_long", "Descriptions are at most 5000 characters.", "description"
        )
    return Program.objects.create(
        institution=institution,
        name=_clean_name(name),
        description=description.strip(),
        credit_bearing=credit_bearing,
        credits=credits if credit_bearing else 0,
        priority_mode=priority_mode,
        created_by=actor,
    )


@transaction.atomic
def program_window_open(
    *, actor: User, program_id: int, opens: datetime, closes: datetime
) -> Program:
    """Set the ranking window; the program moves from draft to ranking."""
    program = access_program(actor=actor, program_id=program_id, role="staff", for_update=True)
    p = program.program
    if p.status not in (ProgramStatus.DRAFT, ProgramStatus.RANKING):
        raise ConflictError("not_editable", f"The program is {p.status}; ranking is over.")
    refusal = rules.window_refusal(opens, closes)
    if refusal:
        raise DomainError("bad_window", refusal, "ranking_closes")
    if not ProgramOpportunity.objects.filter(program=p, status=ProposalStatus.ACCEPTED).exists():
        raise DomainError(
            "no_opportunities",
            "Add at least one opportunity the employer has agreed to before opening ranking.",
            "ranking_opens",
        )
    p.ranking_opens, p.ranking_closes = opens, closes
    p.status = ProgramStatus.RANKING
    p.updated_at = timezone.now()
    p.save()
    return p


@transaction.atomic
def program_window_close(*, actor: User, program_id: int) -> Program:
    """Close ranking now (staff may end the window early)."""
    p = access_program(actor=actor, program_id=program_id, role="staff", for_update=True).program
    if p.status != ProgramStatus.RANKING:
        raise ConflictError("not_ranking", "Ranking is not open for this program.")
    now = timezone.now()
    if p.ranking_closes is None or p.ranking_closes > now:
        p.ranking_closes = now
        if p.ranking_opens is None or p.ranking_opens >= now:
            p.ranking_opens = now - timedelta(seconds=1)
        p.updated_at = now
        p.save()
    return p


# --- Opportunities: proposed by one side, agreed by the other ---------------------------


def _check_openings(opportunity: Opportunity, openings: int) -> None:
    if openings < 1:
        raise DomainError("bad_openings", "Offer at least one opening.", "openings")
    if openings > opportunity.openings_left:
        raise DomainError(
            "too_many_openings",
            f"{opportunity.title} has {opportunity.openings_left} opening(s) left.",
            "openings",
        )


@transaction.atomic
def entry_propose(
    *, actor: User, program_id: int, opportunity_id: int, openings: int = 1
) -> ProgramOpportunity:
    """Staff propose a partner employer's published opportunity (the employer agrees
    later), or a member of an employer already in the program offers one of its own
    (staff agree later)."""
    ratelimit.hit("entry_propose", actor)  # each proposal notifies an employer's team
    access = access_program(actor=actor, program_id=program_id, for_update=True)
    program = access.program
    refusal = rules.setup_refusal(program.status)
    if refusal:
        raise ConflictError("not_editable", refusal)
    # Only what the program's students may see: another institution's exclusive
    # posting is "no such opportunity", as for endorsements (ids never leak).
    opportunity = (
        Opportunity.objects.select_related("employer")
        .filter(visible_to_institution_q(program.institution_id), pk=opportunity_id)
        .first()
    )
    if opportunity is None:
        raise DomainError("no_opportunity", "No such opportunity.", "opportunity_id")
    if access.is_staff:
        side = Side.INSTITUTION
    elif opportunity.employer_id in access.employer_ids:
        side = Side.EMPLOYER
    else:
        raise DomainError(
            "no_opportunity", "Choose one of your organisation's opportunities.", "opportunity_id"
        )
    if opportunity.status != OpportunityStatus.PUBLISHED or not opportunity.employer.is_verified:
        raise DomainError(
            "not_published",
            "Only published opportunities of verified employers can join a program.",
            "opportunity_id",
        )
    _check_openings(opportunity, openings)
    if ProgramOpportunity.objects.filter(program=program, opportunity=opportunity).exists():
        raise ConflictError(
            "already_in_program", "This opportunity is already in the program.", "opportunity_id"
        )
    entry = ProgramOpportunity.objects.create(
        program=program,
        opportunity=opportunity,
        openings=openings,
        proposed_by_side=side,
        proposed_by=actor,
    )
    if side == Side.INSTITUTION:
        # Straight to the entry on the employer's page, where they agree or decline.
        url = reverse("program_employer", args=[program.pk]) + f"#e-{entry.pk}"
        for m in Membership.objects.filter(organisation_id=opportunity.employer_id).select_related(
            "user"
        ):
            notify(
                user=m.user,
                kind="program.proposal",
                title=f"{program.institution.name} invites {opportunity.title} to {program.name}",
                body="Agree or decline on the program page.",
                url=url,
            )
    return entry


@transaction.atomic
def entry_decide(*, actor: User, entry_id: int, accept: bool) -> ProgramOpportunity:
    """The side that did not propose agrees to (or declines) the opportunity."""
    entry, access = access_entry(actor=actor, entry_id=entry_id, for_update=True)
    if entry.status != ProposalStatus.PROPOSED:
        raise ConflictError("already_decided", f"This proposal is already {entry.status}.")
    refusal = rules.setup_refusal(access.program.status)
    if refusal:
        raise ConflictError("not_editable", refusal)
    deciding_side = (
        Side.EMPLOYER if entry.proposed_by_side == Side.INSTITUTION else Side.INSTITUTION
    )
    allowed = (
        entry.opportunity.employer_id in access.employer_ids
        if deciding_side == Side.EMPLOYER
        else access.is_staff
    )
    if not allowed:
        raise Forbidden(f"The {deciding_side} decides on this proposal.")
    if accept:
        _check_openings(entry.opportunity, entry.openings)
    entry.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.DECLINED
    entry.decided_by = actor
    entry.decided_at = timezone.now()
    entry.save(update_fields=["status", "decided_by", "decided_at"])
    return entry


# --- The cohort ---------------------------------------------------------------------------


@transaction.atomic
def cohort_add(
    *,
    actor: User,
    program_id: int,
    student_ids: Iterable[int] = (),
    emails: Iterable[str] = (),
) -> list[CohortMember]:
    """Add affiliated students of the institution, by id or email. All or nothing:
    one address that is not an affiliated student refuses the whole batch."""
    program = access_program(actor=actor, program_id=program_id, role="staff", for_update=True)
    p = program.program
    refusal = rules.setup_refusal(p.status)
    if refusal:
        raise ConflictError("not_editable", refusal)
    ids = {int(i) for i in student_ids}
    clean_emails = {e.strip().lower() for e in emails if e and e.strip()}
    if not ids and not clean_emails:
        raise DomainError("nothing_chosen", "Name at least one student.", "emails")
    if len(ids) + len(clean_emails) > MAX_COHORT_BATCH:
        raise DomainError(
            "too_many",
            f"Add at most {MAX_COHORT_BATCH} students at once.",
            "student_ids" if len(ids) > MAX_COHORT_BATCH else "emails",
        )
    affiliated = Affiliation.objects.filter(institution_id=p.institution_id)
    found_ids = set(affiliated.filter(user_id__in=ids).values_list("user_id", flat=True))
    missing_ids = sorted(ids - found_ids)
    if missing_ids:
        raise DomainError(
            "not_affiliated",
            f"Student {missing_ids[0]} is not an affiliated student of {p.institution.name}.",
            "student_ids",
        )
    if clean_emails:
        by_email = dict(
            affiliated.filter(user__email__in=clean_emails).values_list("user__email", "user_id")
        )
        by_email = {k.lower(): v for k, v in by_email.items()}
        missing = sorted(clean_emails - set(by_email))
        if missing:
            raise DomainError(
                "not_affiliated",
                f"{missing[0]} is not an affiliated student of {p.institution.name}.",
                "emails",
            )
        ids |= set(by_email.values())
    existing = set(CohortMember.objects.filter(program=p).values_list("student_id", flat=True))
    new = [CohortMember(program=p, student_id=i) for i in sorted(ids - existing)]
    CohortMember.objects.bulk_create(new, batch_size=1000)
    return new


@dataclass(frozen=True)
class CohortBatch:
    """What one "Add students" batch did: who joined, who was already in, and
    each address or id that could not join with the reason (issue 14 item 14)."""

    added: list[CohortMember]
    already: int
    refused: list[tuple[str, str]]


@transaction.atomic
def cohort_add_batch(
    *,
    actor: User,
    program_id: int,
    student_ids: Iterable[int] = (),
    emails: Iterable[str] = (),
) -> CohortBatch:
    """Add the affiliated students among those named and list the others, so one
    mistyped address does not refuse the whole batch (unlike `cohort_add`)."""
    program = access_program(actor=actor, program_id=program_id, role="staff", for_update=True)
    p = program.program
    refusal = rules.setup_refusal(p.status)
    if refusal:
        raise ConflictError("not_editable", refusal)
    ids = {int(i) for i in student_ids}
    clean_emails = {e.strip().lower() for e in emails if e and e.strip()}
    if not ids and not clean_emails:
        raise DomainError("nothing_chosen", "Name at least one student.", "emails")
    if len(ids) + len(clean_emails) > MAX_COHORT_BATCH:
        raise DomainError(
            "too_many",
            f"Add at most {MAX_COHORT_BATCH} students at once.",
            "student_ids" if len(ids) > MAX_COHORT_BATCH else "emails",
        )
    why = f"not an affiliated student of {p.institution.name}"
    affiliated = Affiliation.objects.filter(institution_id=p.institution_id)
    found_ids = set(affiliated.filter(user_id__in=ids).values_list("user_id", flat=True))
    refused = [(str(i), why) for i in sorted(ids - found_ids)]
    by_email = {
        email.lower(): user_id
        for email, user_id in affiliated.filter(user__email__in=clean_emails).values_list(
            "user__email", "user_id"
        )
    }
    refused += [(e, why) for e in sorted(clean_emails - set(by_email))]
    wanted = found_ids | set(by_email.values())
    existing = set(
        CohortMember.objects.filter(program=p, student_id__in=wanted).values_list(
            "student_id", flat=True
        )
    )
    new = [CohortMember(program=p, student_id=i) for i in sorted(wanted - existing)]
    CohortMember.objects.bulk_create(new, batch_size=1000)
    return CohortBatch(added=new, already=len(existing), refused=refused)


@transaction.atomic
def cohort_remove(*, actor: User, program_id: int, student_id: int) -> None:
    p = access_program(actor=actor, program_id=program_id, role="staff", for_update=True).program
    refusal = rules.setup_refusal(p.status)
    if refusal:
        raise ConflictError("not_editable", refusal)
    member = CohortMember.objects.filter(program=p, student_id=student_id).first()
    if member is None:
        raise NotFound("No such student in the cohort.")
    StudentRanking.objects.filter(program=p, student_id=student_id).delete()
    EmployerRanking.objects.filter(program=p, student_id=student_id).delete()
    InstitutionPriority.objects.filter(program=p, student_id=student_id).delete()
    member.delete()


# --- Rankings ------------------------------------------------------------------------------


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


# --- Allocation runs -------------------------------------------------------------------------


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


# --- Publishing: the offers --------------------------------------------------------------


@dataclass(frozen=True)
class PublishReport:
    run: AllocationRun
    created: int
    skipped: list[str]


def _offer_for(
    *, actor: User, program: Program, application: Application, opportunity: Opportunity
) -> Offer:
    """The applications app's rules for an offer (scope snapshot, fee, expiry),
    made on behalf of the employer that agreed to the program."""
    existing = application.offers.filter(
        status__in=[OfferStatus.PENDING, OfferStatus.ACCEPTED]
    ).first()
    if existing is not None:
        return existing
    now = timezone.now()
    for current, target in (
        (app_rules.SUBMITTED, app_rules.SHORTLISTED),
        (app_rules.SHORTLISTED, app_rules.OFFERED),
    ):
        if application.status == current:
            refusal = app_rules.transition_refusal(current, target, app_rules.EMPLOYER)
            if refusal:
                raise ConflictError("bad_transition", refusal)
            application.status = target
    application.updated_at = now
    if application.first_response_at is None:
        application.first_response_at = now
    application.save()
    return Offer.objects.create(
        application=application,
        fee_minor=opportunity.fee_minor,
        currency=opportunity.currency,
        scope=app_rules.offer_scope(opportunity.summary, opportunity.deliverables),
        start_date=opportunity.start_date,
        due_date=opportunity.due_date,
        expires_at=now + timedelta(days=settings.STINT_OFFER_EXPIRY_DAYS),
        created_by=actor,
    )


@transaction.atomic
def allocation_publish(*, actor: User, run_id: int) -> PublishReport:
    """Make the run's offers in one transaction: for each placed student, an
    application on their behalf ("Allocated through <program>"), shortlisted, and an
    offer with the applications app's rules. Publishing twice creates nothing new."""
    run, access = access_run(actor=actor, run_id=run_id)
    program = Program.objects.select_for_update().get(pk=access.program.pk)
    run = AllocationRun.objects.select_for_update().get(pk=run.pk)
    if run.published:
        return PublishReport(run=run, created=0, skipped=[])
    if program.status in (ProgramStatus.PUBLISHED, ProgramStatus.CLOSED):
        raise ConflictError("already_published", "Another run of this program was published.")
    if run.status != RunStatus.DONE:
        raise ConflictError("run_not_done", "Only a finished, stable run can be published.")
    latest = AllocationRun.objects.filter(program=program).order_by("-created_at", "-pk").first()
    if latest is not None and latest.pk != run.pk:
        raise ConflictError(
            "run_outdated", "A newer run exists: publish the latest run (or re-run)."
        )
    assignment = {s: e for s, e in run_assignment(run).items() if e is not None}
    entries = {
        e.pk: e
        for e in ProgramOpportunity.objects.filter(pk__in=set(assignment.values())).select_related(
            "opportunity"
        )
    }
    # Lock the opportunities in one order and check each has room for its placements.
    opp_ids = sorted({e.opportunity_id for e in entries.values()})
    opportunities = {
        o.pk: o
        for o in Opportunity.objects.select_for_update(of=("self",))
        .select_related("employer")
        .filter(pk__in=opp_ids)
        .order_by("pk")
    }
    wanted: dict[int, int] = {}
    for eid in assignment.values():
        oid = entries[eid].opportunity_id
        wanted[oid] = wanted.get(oid, 0) + 1
    for oid, count in wanted.items():
        o = opportunities[oid]
        if o.status != OpportunityStatus.PUBLISHED or o.openings_left < count:
            raise ConflictError(
                "no_openings",
                f"{o.title} has {o.openings_left if o.status == 'published' else 0} opening(s) "
                f"left for {count} placement(s): agree new openings with the employer and re-run.",
            )
    students = User.objects.in_bulk(list(assignment))
    done = set(Placement.objects.filter(program=program).values_list("student_id", flat=True))
    note = f"Allocated through {program.name}"
    created, skipped = 0, []
    for sid in sorted(assignment):
        if sid in done:
            continue
        entry = entries[assignment[sid]]
        opportunity = opportunities[entry.opportunity_id]
        student = students[sid]
        fit = StudentRanking.objects.filter(program=program, student_id=sid, entry=entry).first()
        application, _ = Application.objects.select_for_update(of=("self",)).get_or_create(
            opportunity=opportunity,
            candidate=student,
            defaults={
                "note": note,
                "fit_score": fit.fit_score if fit else None,
                "engine_version": run.engine_version,
            },
        )
        if application.status not in (*OPEN_STATUSES, ApplicationStatus.ACCEPTED):
            skipped.append(
                f"{student.display_name}: their application to {opportunity.title} is "
                f"{application.get_status_display().lower()}."
            )
            continue
        application.opportunity = opportunity
        if application.status != ApplicationStatus.ACCEPTED:
            _offer_for(
                actor=actor, program=program, application=application, opportunity=opportunity
            )
        Placement.objects.create(
            program=program, run=run, student_id=sid, entry=entry, application=application
        )
        created += 1
        notify(
            user=student,
            kind="offer.made",
            title=f"{program.name}: you were placed on {opportunity.title}",
            body=(
                f"{opportunity.employer.name} offers you this work through {program.name}. "
                "Accept or decline it from your applications."
            ),
            url=reverse("program_my_result", args=[program.pk]),
        )
    run.published = True
    run.published_at = timezone.now()
    run.save(update_fields=["published", "published_at"])
    program.status = ProgramStatus.PUBLISHED
    program.updated_at = timezone.now()
    program.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="allocation.published",
        target=("program", program.pk),
        after={"run": run.pk, "offers": created, "skipped": len(skipped)},
    )
    return PublishReport(run=run, created=created, skipped=skipped)


# --- Academic credit --------------------------------------------------------------------------


@transaction.atomic
def credit_records_refresh(program: Program) -> int:
    """Create a CreditRecord for each placed student of a credit-bearing program whose
    engagement for the allocated opportunity is paid or resolved. Idempotent: returns
    how many records were created now."""
    if not program.credit_bearing:
        return 0
    placements = list(
        Placement.objects.filter(program=program)
        .exclude(student_id__in=CreditRecord.objects.filter(program=program).values("student_id"))
        .select_related("entry")
    )
    if not placements:
        return 0
    engagements = {
        e.application_id: e
        for e in Engagement.objects.filter(
            application_id__in=[pl.application_id for pl in placements],
            status__in=rules.COMPLETED_ENGAGEMENT,
        )
    }
    new = [
        CreditRecord(
            program=program,
            student_id=pl.student_id,
            opportunity_id=pl.entry.opportunity_id,
            engagement=engagements[pl.application_id],
            credits=program.credits,
        )
        for pl in placements
        if pl.application_id in engagements
    ]
    CreditRecord.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def credit_records_refresh_for(*, actor: User, program_id: int) -> int:
    program = access_program(actor=actor, program_id=program_id, role="staff").program
    return credit_records_refresh(program)
