"""Background work of cohort programs: the allocation run and the periodic credit
sweep (scheduled in stint/ops/schedule.py). Tasks are idempotent (a run that is
no longer queued is left alone; a student has one credit record per program)."""

from __future__ import annotations

from django_tasks import task

from stint.programs import services


@task()
def run_allocation(run_id: int) -> None:
    services.allocation_run_execute(run_id=run_id)


@task()
def refresh_credit_records() -> int:
    """Credit records for placed students of every credit-bearing program whose
    engagement is paid; how many were created."""
    from stint.programs.models import Program

    created = 0
    for program in Program.objects.filter(credit_bearing=True).exclude(status="draft"):
        created += services.credit_records_refresh(program)
    return created
