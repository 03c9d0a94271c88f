"""`python -m stint_engine allocate`: CSVs in, the stable matching out as JSON."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from stint_engine.allocation.allocate import allocate_arrays, to_matching
from stint_engine.allocation.csv_format import load_instance


def run_allocate(args: argparse.Namespace) -> dict[str, Any]:
    t0 = time.perf_counter()
    instance = load_instance(args.students, args.projects, getattr(args, "supervisors", None))
    t1 = time.perf_counter()
    optimal = getattr(args, "optimal", "student") or "student"
    student_project = allocate_arrays(instance, optimal)
    t2 = time.perf_counter()
    matching = to_matching(instance, student_project, optimal)
    if instance.n_students >= 100_000:
        print(
            f"read {t1 - t0:.1f}s, solved {t2 - t1:.1f}s "
            f"({instance.n_students} students, {instance.n_projects} projects)",
            file=sys.stderr,
        )
    return {
        "project_to_students": matching.project_to_students,
        "unmatched": matching.unmatched,
        "supervisor_load": matching.supervisor_load(),
        "optimal": optimal,
        "stats": {
            "students": instance.n_students,
            "projects": instance.n_projects,
            "matched": int((student_project >= 0).sum()),
            "usable_choices": instance.n_pairs,
            "dropped_choices": instance.dropped,
            "seconds": {"read": round(t1 - t0, 3), "solve": round(t2 - t1, 3)},
        },
    }
