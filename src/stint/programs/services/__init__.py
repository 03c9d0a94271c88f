"""Writes for cohort programs: set-up (opportunities agreed by both sides, the
cohort, the ranking window), rankings from students, employers and the
institution, allocation runs (a background task), publishing the offers and
academic credit.

By area: `setup` (the program, its window, proposed and agreed opportunities),
`cohort`, `rankings`, `allocation` (runs and their inputs), `publishing` (the
offers), `credit`. Callers import this package; the names below are its public
services.

Row locks are taken in one order: Program → ProgramOpportunity → CohortMember,
and when publishing Opportunity → Application → Offer (the applications app's order).
"""

from __future__ import annotations

from stint.programs.services.allocation import (
    allocation_run_execute,
    allocation_run_start,
    build_inputs,
    run_assignment,
)
from stint.programs.services.cohort import (
    MAX_COHORT_BATCH,
    CohortBatch,
    cohort_add,
    cohort_add_batch,
    cohort_remove,
)
from stint.programs.services.credit import credit_records_refresh, credit_records_refresh_for
from stint.programs.services.publishing import PublishReport, allocation_publish
from stint.programs.services.rankings import (
    EmployerChoice,
    employer_rankings_set,
    priorities_set,
    student_rankings_set,
)
from stint.programs.services.setup import (
    entry_decide,
    entry_propose,
    program_create,
    program_window_close,
    program_window_open,
)

__all__ = [
    "MAX_COHORT_BATCH",
    "CohortBatch",
    "EmployerChoice",
    "PublishReport",
    "allocation_publish",
    "allocation_run_execute",
    "allocation_run_start",
    "build_inputs",
    "cohort_add",
    "cohort_add_batch",
    "cohort_remove",
    "credit_records_refresh",
    "credit_records_refresh_for",
    "employer_rankings_set",
    "entry_decide",
    "entry_propose",
    "priorities_set",
    "program_create",
    "program_window_close",
    "program_window_open",
    "run_assignment",
    "student_rankings_set",
]
