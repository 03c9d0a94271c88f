"""The adapter between cohort programs and the engine's stable allocation.

Plain arrays in, plain data out: the programs app builds the choice matrix and
the owners' ranks from its rows; this module solves, checks stability and
explains. Engine objects never leave this module except `Matching`, which only
the programs' own code handles.

Inputs are JSON-friendly so an `AllocationRun` can keep them as its snapshot and
rebuild the exact instance the solver saw (for explanations, weeks later).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stint_engine import ENGINE_VERSION
from stint_engine.allocation import (
    ArrayInstance,
    Matching,
    allocate_arrays,
    blocking_pair_indices,
    check_capacities,
    explain_assignment,
    to_matching,
)

__all__ = [
    "ENGINE_VERSION",
    "Solved",
    "explain",
    "instance_from_inputs",
    "make_inputs",
    "matching_from",
    "solve",
]


def make_inputs(
    *,
    student_ids: list[int],
    project_ids: list[int],
    capacity: list[int] | np.ndarray,
    choices: np.ndarray,
    choice_rank: np.ndarray,
) -> dict[str, Any]:
    """The snapshot: `choices[s, j]` is student s's j-th project index (-1 blank),
    `choice_rank[s, j]` where that project's owner ranks s (lower is better)."""
    return {
        "student_ids": [int(s) for s in student_ids],
        "project_ids": [int(p) for p in project_ids],
        "capacity": np.asarray(capacity, dtype=np.int64).tolist(),
        "choices": np.asarray(choices, dtype=np.int64).tolist(),
        "choice_rank": np.asarray(choice_rank, dtype=np.int64).tolist(),
    }


def instance_from_inputs(inputs: dict[str, Any]) -> ArrayInstance:
    n = len(inputs["student_ids"])
    choices = np.asarray(inputs["choices"], dtype=np.int64)
    ranks = np.asarray(inputs["choice_rank"], dtype=np.int64)
    if choices.ndim != 2 or choices.shape[0] != n:
        choices = np.full((n, 1), -1, dtype=np.int64)
        ranks = np.full((n, 1), -1, dtype=np.int64)
    return ArrayInstance.from_choices(
        choices,
        np.asarray(inputs["capacity"], dtype=np.int64),
        choice_rank=ranks,
        student_names=[str(s) for s in inputs["student_ids"]],
        project_names=[str(p) for p in inputs["project_ids"]],
    )


@dataclass
class Solved:
    student_project: np.ndarray  # project index per student, -1 when unmatched
    choice: np.ndarray  # 1-based position of the result in the student's usable list, 0 if none
    usable: np.ndarray  # usable choices per student (after cleaning)
    blocking_pairs: int
    capacity_problems: list[str]
    dropped: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)
    engine_version: str = ENGINE_VERSION

    @property
    def stable(self) -> bool:
        return self.blocking_pairs == 0 and not self.capacity_problems


def solve(inputs: dict[str, Any], optimal: str = "student") -> Solved:
    """Solve the snapshot and check the result with the engine's stability check."""
    t0 = time.perf_counter()
    inst = instance_from_inputs(inputs)
    t1 = time.perf_counter()
    sp = np.asarray(allocate_arrays(inst, optimal), dtype=np.int64)
    t2 = time.perf_counter()
    blocking = blocking_pair_indices(inst, sp)
    problems = check_capacities(inst, sp)
    t3 = time.perf_counter()
    usable = np.diff(inst.ptr)
    held = sp[inst.pair_student] == inst.pair_project
    choice = np.zeros(inst.n_students, dtype=np.int64)
    choice[inst.pair_student[held]] = inst.pair_position[held] + 1
    return Solved(
        student_project=sp,
        choice=choice,
        usable=usable,
        blocking_pairs=len(blocking),
        capacity_problems=problems,
        dropped=dict(inst.dropped),
        seconds={"build": t1 - t0, "solve": t2 - t1, "check": t3 - t2},
    )


def matching_from(inputs: dict[str, Any], student_project: list[int], optimal: str) -> Matching:
    inst = instance_from_inputs(inputs)
    return to_matching(inst, np.asarray(student_project, dtype=np.int64), optimal)


def explain(
    inputs: dict[str, Any], student_project: list[int], optimal: str, student_id: int
) -> dict[str, Any] | None:
    """Why this student got what they got, as plain data (project ids, not names).
    None when the student was not in the run."""
    if int(student_id) not in set(inputs.get("student_ids", [])):
        return None
    matching = matching_from(inputs, student_project, optimal)
    e = explain_assignment(matching, str(student_id))
    return {
        "project_id": int(e.project) if e.project is not None else None,
        "choice": e.choice,
        "usable_choices": e.usable_choices,
        "preferred": [
            {
                "project_id": int(p.project),
                "choice": p.choice,
                "reason": p.reason,
                "capacity": p.capacity,
                "ranked_above": p.ranked_above,
            }
            for p in e.preferred
        ],
        "engine_message": e.message,
        "strategy_proof": optimal == "student",
    }
