"""The cohort: the institution's affiliated students who take part in a program."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError, NotFound
from stint.orgs.models import Affiliation
from stint.programs import rules
from stint.programs.models import CohortMember, EmployerRanking, InstitutionPriority, StudentRanking
from stint.programs.selectors import access_program

MAX_COHORT_BATCH = 5000


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
