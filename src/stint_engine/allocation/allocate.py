"""The public entry points: named `allocate` and the array fast path."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from stint_engine.allocation.deferred_acceptance import solve
from stint_engine.allocation.instance import ArrayInstance, build_instance
from stint_engine.allocation.model import Matching, Project, Student, Supervisor


def allocate(
    students: Iterable[Student] | Mapping[str, Sequence[str]],
    projects: Iterable[Project],
    supervisors: Iterable[Supervisor] | None = None,
    optimal: str = "student",
    *,
    student_order: Sequence[str] | None = None,
) -> Matching:
    """The student-optimal (default) or project-optimal stable matching.

    `students` may also be a mapping of name to preferred project codes.
    `student_order` (names, best first) ranks students for every project or
    supervisor that has no ranking of its own, e.g. a cohort ranking.
    """
    instance = build_instance(students, projects, supervisors, student_order=student_order)
    return to_matching(instance, allocate_arrays(instance, optimal), optimal)


def allocate_arrays(instance: ArrayInstance, optimal: str = "student") -> np.ndarray:
    """Fast path: each student's project index (-1 when unmatched).

    Build the instance with `ArrayInstance.from_choices` from numpy arrays;
    no per-student objects are created.
    """
    return solve(instance, optimal)


def project_members(instance: ArrayInstance, student_project: np.ndarray) -> list[list[int]]:
    """Students of each project, in the project's order (best first)."""
    sp = np.asarray(student_project, dtype=np.int64)
    held = sp[instance.pair_student] == instance.pair_project
    stu = instance.pair_student[held]
    proj = instance.pair_project[held]
    order = np.lexsort((-instance.pair_key[held], proj))
    members: list[list[int]] = [[] for _ in range(instance.n_projects)]
    for p, s in zip(proj[order].tolist(), stu[order].tolist(), strict=True):
        members[p].append(s)
    return members


def to_matching(instance: ArrayInstance, student_project: np.ndarray, optimal: str) -> Matching:
    members = project_members(instance, student_project)
    project_to_students = {
        instance.project_name(p): [instance.student_name(s) for s in ss]
        for p, ss in enumerate(members)
    }
    student_to_project = {
        instance.student_name(s): (instance.project_name(p) if p >= 0 else None)
        for s, p in enumerate(np.asarray(student_project).tolist())
    }
    return Matching(
        project_to_students=project_to_students,
        student_to_project=student_to_project,
        optimal=optimal,
        instance=instance,
        student_project=np.asarray(student_project, dtype=np.int64),
    )
