"""Background work of cohort programs: the allocation run. Tasks take ids and are
idempotent (a run that is no longer queued is left alone)."""

from __future__ import annotations

from django_tasks import task

from stint.programs import services


@task()
def run_allocation(run_id: int) -> None:
    services.allocation_run_execute(run_id=run_id)


@task()
def refresh_credit_records(program_id: int) -> int:
    from stint.programs.models import Program

    program = Program.objects.filter(pk=program_id).first()
    return services.credit_records_refresh(program) if program else 0
