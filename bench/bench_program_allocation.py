"""A cohort program's allocation end to end, beside the engine alone.

    .venv/bin/python bench/bench_program_allocation.py                 # 5,000 x 300
    .venv/bin/python bench/bench_program_allocation.py --students 20000 --projects 1000

Builds a throw-away SQLite database in a temporary directory (migrate + bulk_create),
then times the background task's body (`allocation_run_execute`: reading the rankings
from the database, solving, checking stability, saving the run) and, as the baseline,
the engine alone (`allocate_arrays`) on the very same arrays.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=5000)
    parser.add_argument("--projects", type=int, default=300)
    parser.add_argument("--choices", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="stint-bench-")
    os.environ["STINT_VAR_DIR"] = tmp
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stint.config.settings")
    sys.path.insert(0, str(ROOT))  # for tests.programs.scale
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    import numpy as np
    from tests.programs.scale import build_cohort

    from stint.accounts.models import User
    from stint.matching.allocation import instance_from_inputs
    from stint.orgs.services import organisation_create
    from stint.programs import services
    from stint.programs.models import AllocationRun
    from stint_engine.allocation import allocate_arrays

    staff = User.objects.create_user(email="staff@uni.example.edu", password=None)
    uni = organisation_create(actor=staff, kind="institution", name="Bench University")
    acme = organisation_create(actor=staff, kind="employer", name="Bench Employer")
    t = time.perf_counter()
    program = build_cohort(
        institution=uni,
        employer=acme,
        staff=staff,
        students=args.students,
        projects=args.projects,
        choices=args.choices,
    )
    build_s = time.perf_counter() - t

    task_s, inputs_s, engine_s = [], [], []
    run = None
    for _ in range(args.repeat):
        run = AllocationRun.objects.create(program=program, created_by=staff)
        t = time.perf_counter()
        services.allocation_run_execute(run_id=run.pk)
        task_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        inputs = services.build_inputs(program)
        inputs_s.append(time.perf_counter() - t)
        inst = instance_from_inputs(inputs)
        t = time.perf_counter()
        sp = allocate_arrays(inst, "student")
        engine_s.append(time.perf_counter() - t)
    assert run is not None
    run.refresh_from_db()
    same = bool(np.array_equal(np.asarray(run.result["student_project"]), sp))

    def ms(xs: list[float]) -> str:
        return f"{statistics.median(xs) * 1000:9.1f} ms"

    print(
        f"Cohort program allocation: {args.students:,} students x {args.projects:,} projects, "
        f"{args.choices} choices each (SQLite, median of {args.repeat})"
    )
    print(f"  building the cohort with bulk_create (once)     {build_s * 1000:9.1f} ms")
    print(f"  task: DB → inputs → solve → check → save          {ms(task_s)}")
    print(f"    of which reading the inputs from the DB         {ms(inputs_s)}")
    print(f"  baseline: the engine alone on the same arrays     {ms(engine_s)}")
    print(
        f"  result: {run.stats['matched']:,} placed, {run.stats['unmatched']:,} not, "
        f"{run.stats['first_choice']:,} first choices; stable={run.stats['stable']}; "
        f"same as the engine alone: {same}"
    )


if __name__ == "__main__":
    main()
