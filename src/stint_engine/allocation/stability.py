"""Blocking pairs, vectorised over every acceptable pair.

The definition is the `matching` library's (`StudentAllocation`): a pair
(s, p) that both find acceptable blocks when s is unmatched or prefers p,
and one of

* p and its supervisor both have room;
* p has room, the supervisor is full, and s is already with the
  supervisor or the supervisor prefers s to its worst student;
* p is full and the supervisor prefers s to p's worst student.

Without supervisors that is plain hospitals/residents stability.
"""

from __future__ import annotations

import numpy as np

from stint_engine.allocation.instance import ArrayInstance


def _worst_keys(group: np.ndarray, keys: np.ndarray, size: int) -> np.ndarray:
    worst = np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(worst, group, keys)
    return worst


def blocking_pair_indices(
    instance: ArrayInstance, student_project: np.ndarray
) -> list[tuple[int, int]]:
    """(student, project) index pairs that block `student_project`."""
    inst = instance
    sp = np.asarray(student_project, dtype=np.int64)
    if sp.shape != (inst.n_students,):
        raise ValueError("student_project must give one project per student")
    stu = inst.pair_student
    proj = inst.pair_project
    key = inst.pair_key
    # held pair position per student (n_pairs when unmatched): pair order is preference order
    held_mask = sp[stu] == proj
    held = np.full(inst.n_students, inst.n_pairs, dtype=np.int64)
    held[stu[held_mask]] = np.flatnonzero(held_mask)
    matched = sp >= 0
    if np.any(held[matched] == inst.n_pairs):
        raise ValueError("a student is matched to a project that is not an acceptable pair")
    prefers = np.arange(inst.n_pairs) < held[stu]

    pload = np.bincount(sp[matched], minlength=inst.n_projects)
    pfull = pload >= inst.project_capacity
    pworst = _worst_keys(proj[held_mask], key[held_mask], inst.n_projects)
    block_p = np.where(pfull[proj], key > pworst[proj], True)
    if inst.project_supervisor is None or inst.supervisor_capacity is None:
        block = prefers & block_p
    else:
        psup = inst.project_supervisor
        lec = psup[proj]
        lload = np.bincount(psup[sp[matched]], minlength=inst.n_supervisors)
        lfull = lload >= inst.supervisor_capacity
        lworst = _worst_keys(lec[held_mask], key[held_mask], inst.n_supervisors)
        with_lec = np.zeros(inst.n_pairs, dtype=bool)
        ms = matched[stu]
        with_lec[ms] = psup[sp[stu[ms]]] == lec[ms]
        room = ~pfull[proj]
        block = prefers & (
            (room & ~lfull[lec])
            | (room & lfull[lec] & (with_lec | (key > lworst[lec])))
            | (~room & (key > pworst[proj]))
        )
    idx = np.flatnonzero(block)
    return list(zip(stu[idx].tolist(), proj[idx].tolist(), strict=True))


def check_capacities(instance: ArrayInstance, student_project: np.ndarray) -> list[str]:
    """Human-readable capacity violations (empty when none)."""
    inst = instance
    sp = np.asarray(student_project, dtype=np.int64)
    matched = sp[sp >= 0]
    problems = []
    pload = np.bincount(matched, minlength=inst.n_projects)
    for p in np.flatnonzero(pload > inst.project_capacity).tolist():
        problems.append(f"project {inst.project_name(p)} over capacity")
    if inst.project_supervisor is not None and inst.supervisor_capacity is not None:
        lload = np.bincount(inst.project_supervisor[matched], minlength=inst.n_supervisors)
        for sv in np.flatnonzero(lload > inst.supervisor_capacity).tolist():
            problems.append(f"supervisor {sv} over capacity")
    return problems
