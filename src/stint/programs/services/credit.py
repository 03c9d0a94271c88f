"""Academic credit: a record for each placed student whose engagement is paid or resolved."""

from __future__ import annotations

from django.db import transaction

from stint.accounts.models import User
from stint.engagements.models import Engagement
from stint.programs import rules
from stint.programs.models import CreditRecord, Placement, Program
from stint.programs.selectors import access_program


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
