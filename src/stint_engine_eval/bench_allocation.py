"""Allocation speed: our deferred acceptance against the `matching` library.

`run(quick)` generates a student-project instance with supervisors (fixed
seed), solves it with `matching.games.StudentAllocation` (clean=True, the
tutorial's settings) and with ours in the same process, asserts both give
the same student-optimal matching, and reports the ratio. Then a large
instance, ours only (the library would take hours), checked for stability
and capacities.

Instance: every student picks `choices` distinct projects, popular projects
more often (weights ~ 1/rank^0.7); project capacities average
students/projects; five projects per supervisor, each supervisor able to
take 80% of their projects' places (so supervisor limits bind); each
supervisor ranks students by its own pseudo-random order.
"""

from __future__ import annotations

import gc
import sys
import threading
import time
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from stint_engine.allocation import (
    ArrayInstance,
    Project,
    Student,
    Supervisor,
    allocate,
    allocate_arrays,
    blocking_pair_indices,
    check_capacities,
)

SEED = 20240611
FULL_SIZES = {"compare": (20_000, 2_000), "large": (1_000_000, 100_000)}
QUICK_SIZES = {"compare": (2_000, 200), "large": (100_000, 10_000)}
CHOICES = 10
PROJECTS_PER_SUPERVISOR = 5
SUPERVISOR_SHARE = 0.8


@dataclass
class Generated:
    choices: np.ndarray  # (n_students, CHOICES) project indices, -1 padded
    choice_rank: np.ndarray  # supervisor's rank key of the student for each choice
    project_capacity: np.ndarray
    project_supervisor: np.ndarray
    supervisor_capacity: np.ndarray


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: a fixed pseudo-random permutation of uint64."""
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def generate(n_students: int, n_projects: int, *, seed: int = SEED) -> Generated:
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, n_projects + 1) ** 0.7
    weights = rng.permutation(weights / weights.sum())
    extra = CHOICES + 6
    draws = rng.choice(n_projects, size=(n_students, extra), p=weights)
    dup = np.zeros(draws.shape, dtype=bool)
    for j in range(1, extra):
        dup[:, j] = np.any(draws[:, :j] == draws[:, j : j + 1], axis=1)
    # first CHOICES distinct draws per row, blanks (-1) if a row has fewer
    order = np.argsort(dup, axis=1, kind="stable")[:, :CHOICES]
    choices = np.take_along_axis(draws, order, axis=1)
    choices[np.take_along_axis(dup, order, axis=1)] = -1

    avg = max(1, round(n_students / n_projects))
    project_capacity = rng.integers(1, 2 * avg, size=n_projects)
    n_sup = max(1, n_projects // PROJECTS_PER_SUPERVISOR)
    project_supervisor = rng.permutation(n_projects) % n_sup
    total = np.bincount(project_supervisor, weights=project_capacity, minlength=n_sup)
    supervisor_capacity = np.maximum(1, np.ceil(SUPERVISOR_SHARE * total)).astype(np.int64)

    students = np.arange(n_students, dtype=np.uint64)[:, None]
    sup = project_supervisor[np.maximum(choices, 0)].astype(np.uint64)
    salt = np.uint64(seed)
    choice_rank = (_mix(sup * np.uint64(n_students) + students + salt) >> np.uint64(24)).astype(
        np.int64
    )  # 40-bit keys; ties (rare) go to the lower student index on both sides
    return Generated(
        choices, choice_rank, project_capacity, project_supervisor, supervisor_capacity
    )


def build_arrays(g: Generated) -> ArrayInstance:
    return ArrayInstance.from_choices(
        g.choices,
        g.project_capacity,
        choice_rank=g.choice_rank,
        project_supervisor=g.project_supervisor,
        supervisor_capacity=g.supervisor_capacity,
    )


def library_inputs(g: Generated) -> dict[str, Any]:
    """The dictionaries `StudentAllocation.create_from_dictionaries` takes."""
    n, _ = g.choices.shape
    student_prefs = {
        f"s{s}": [f"p{p}" for p in row if p >= 0] for s, row in enumerate(g.choices.tolist())
    }
    valid = g.choices >= 0
    stu = np.broadcast_to(np.arange(n)[:, None], g.choices.shape)[valid]
    sup = g.project_supervisor[g.choices[valid]]
    rank = g.choice_rank[valid]
    order = np.lexsort((stu, rank, sup))
    supervisor_prefs: dict[str, list[str]] = {
        f"l{i}": [] for i in range(len(g.supervisor_capacity))
    }
    last = (-1, -1)
    for lec, s in zip(sup[order].tolist(), stu[order].tolist(), strict=True):
        if (lec, s) != last:  # a student who picked two of its projects appears once
            supervisor_prefs[f"l{lec}"].append(f"s{s}")
            last = (lec, s)
    return {
        "student_prefs": student_prefs,
        "supervisor_prefs": supervisor_prefs,
        "project_supervisors": {
            f"p{p}": f"l{lec}" for p, lec in enumerate(g.project_supervisor.tolist())
        },
        "project_capacities": {f"p{p}": c for p, c in enumerate(g.project_capacity.tolist())},
        "supervisor_capacities": {f"l{i}": c for i, c in enumerate(g.supervisor_capacity.tolist())},
    }


def _ours_named(d: dict[str, Any]) -> dict[str, set[str]]:
    students = [Student(name, prefs) for name, prefs in d["student_prefs"].items()]
    projects = [
        Project(code, d["project_capacities"][code], lec)
        for code, lec in d["project_supervisors"].items()
    ]
    supervisors = [
        Supervisor(name, cap, d["supervisor_prefs"][name])
        for name, cap in d["supervisor_capacities"].items()
    ]
    m = allocate(students, projects, supervisors)
    return {p: set(ss) for p, ss in m.project_to_students.items() if ss}


def _library(d: dict[str, Any]) -> dict[str, set[str]]:
    """The library deep-copies its linked players recursively: give it a deep stack."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["out"] = _library_inner(d)
        except BaseException as exc:  # re-raised in the caller's thread
            box["err"] = exc

    limit = sys.getrecursionlimit()
    old_stack = threading.stack_size(1 << 29)
    sys.setrecursionlimit(1_000_000)
    try:
        worker = threading.Thread(target=target)
        worker.start()
        worker.join()
    finally:
        threading.stack_size(old_stack)
        sys.setrecursionlimit(limit)
    if "err" in box:
        raise box["err"]
    return box["out"]


def _library_inner(d: dict[str, Any]) -> dict[str, set[str]]:
    from matching.games import StudentAllocation

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = StudentAllocation.create_from_dictionaries(
            d["student_prefs"],
            d["supervisor_prefs"],
            d["project_supervisors"],
            d["project_capacities"],
            d["supervisor_capacities"],
            clean=True,
        )
        result = game.solve(optimal="student")
    return {p.name: {s.name for s in ss} for p, ss in result.items() if ss}


CPU: dict[str, float] = {}  # CPU seconds of the last `_timed` calls, by function name


def _timed(fn: Any, *args: Any) -> tuple[Any, float]:
    """Wall seconds; CPU seconds go to `CPU` (steadier on a shared machine)."""
    gc.collect()
    t = time.perf_counter()
    c = time.process_time()
    out = fn(*args)
    CPU[fn.__name__] = time.process_time() - c
    return out, time.perf_counter() - t


def _array_as_sets(student_project: np.ndarray) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for s, p in enumerate(student_project.tolist()):
        if p >= 0:
            out.setdefault(f"p{p}", set()).add(f"s{s}")
    return out


def compare_with_library(n_students: int, n_projects: int) -> dict[str, Any]:
    g = generate(n_students, n_projects)
    d = library_inputs(g)
    theirs, t_lib = _timed(_library, d)
    named, t_named = _timed(_ours_named, d)
    inst, t_build = _timed(build_arrays, g)
    sp, t_solve = _timed(allocate_arrays, inst)
    arrays = _array_as_sets(sp)
    assert named == theirs, "named path differs from the matching library"
    assert arrays == theirs, "array path differs from the matching library"
    t_arrays = t_build + t_solve
    cpu_lib = CPU["_library"]
    cpu_named = CPU["_ours_named"]
    cpu_arrays = CPU["build_arrays"] + CPU["allocate_arrays"]
    return {
        "students": n_students,
        "projects": n_projects,
        "supervisors": len(g.supervisor_capacity),
        "matched": int((sp >= 0).sum()),
        "same_matching_as_library": True,
        "library_s": round(t_lib, 3),
        "ours_named_s": round(t_named, 3),
        "ours_arrays_s": round(t_arrays, 3),
        "ours_arrays_build_s": round(t_build, 3),
        "ours_arrays_solve_s": round(t_solve, 3),
        "speedup_named": round(t_lib / t_named, 1),
        "speedup_arrays": round(t_lib / t_arrays, 1),
        "cpu_s": {
            "library": round(cpu_lib, 3),
            "ours_named": round(cpu_named, 3),
            "ours_arrays": round(cpu_arrays, 3),
        },
        "cpu_speedup_named": round(cpu_lib / max(cpu_named, 1e-9), 1),
        "cpu_speedup_arrays": round(cpu_lib / max(cpu_arrays, 1e-9), 1),
    }


def large(n_students: int, n_projects: int, *, check: bool = True) -> dict[str, Any]:
    g, t_gen = _timed(generate, n_students, n_projects)
    inst, t_build = _timed(build_arrays, g)
    sp, t_solve = _timed(allocate_arrays, inst)
    out: dict[str, Any] = {
        "students": n_students,
        "projects": n_projects,
        "supervisors": len(g.supervisor_capacity),
        "pairs": inst.n_pairs,
        "matched": int((sp >= 0).sum()),
        "generate_s": round(t_gen, 3),
        "build_s": round(t_build, 3),
        "solve_s": round(t_solve, 3),
        "end_to_end_s": round(t_build + t_solve, 3),
        "end_to_end_cpu_s": round(CPU["build_arrays"] + CPU["allocate_arrays"], 3),
    }
    if check:
        t = time.perf_counter()
        blocking = blocking_pair_indices(inst, sp)
        problems = check_capacities(inst, sp)
        out["check_s"] = round(time.perf_counter() - t, 3)
        assert not blocking, f"{len(blocking)} blocking pairs"
        assert not problems, problems
        out["stable"] = True
    return out


def run(quick: bool) -> dict[str, Any]:
    sizes = QUICK_SIZES if quick else FULL_SIZES
    cmp = compare_with_library(*sizes["compare"])
    big = large(*sizes["large"])
    print(
        f"allocation: {cmp['students']}x{cmp['projects']} library {cmp['library_s']:.2f}s, "
        f"ours {cmp['ours_named_s']:.3f}s named ({cmp['speedup_named']}x) / "
        f"{cmp['ours_arrays_s']:.3f}s arrays ({cmp['speedup_arrays']}x), same matching; "
        f"{big['students']}x{big['projects']} in {big['end_to_end_s']:.1f}s",
        file=sys.stderr,
    )
    return {"quick": quick, "seed": SEED, "compare": cmp, "large": big}
