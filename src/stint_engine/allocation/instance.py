"""Allocation instances as integer arrays, and the two ways to build one.

An instance is a CSR layout of every *acceptable* student-project pair, in
each student's order of preference:

* `ptr[s]:ptr[s + 1]` are student `s`'s pairs, best first;
* `pair_project[i]` is the project of pair `i`;
* `pair_rank[i]` is where the project's *ranking owner* puts the student
  (lower is better). The owner is the project's supervisor when there are
  supervisors (in SPA a supervisor's single ranking governs all of their
  projects), otherwise the project itself. Equal ranks are broken by the
  student's index, so every owner's order is strict.

Cleaning follows the `matching` library with `clean=True`: a repeated
choice keeps its first position, unknown projects and pairs the owner does
not rank are dropped, a project's capacity is cut to its supervisor's, and
projects (or supervisors) with capacity below one take nobody.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from stint_engine.allocation.model import Project, Student, Supervisor

_KEY_LIMIT = 2**62


@dataclass
class ArrayInstance:
    ptr: np.ndarray
    pair_project: np.ndarray
    pair_rank: np.ndarray
    project_capacity: np.ndarray
    project_supervisor: np.ndarray | None = None
    supervisor_capacity: np.ndarray | None = None
    student_names: list[str] | None = None
    project_names: list[str] | None = None
    supervisor_names: list[str] | None = None
    # counts of what cleaning removed, for reports
    dropped: dict[str, int] = field(default_factory=dict)

    @property
    def n_students(self) -> int:
        return len(self.ptr) - 1

    @property
    def n_projects(self) -> int:
        return len(self.project_capacity)

    @property
    def n_supervisors(self) -> int:
        return 0 if self.supervisor_capacity is None else len(self.supervisor_capacity)

    @property
    def n_pairs(self) -> int:
        return len(self.pair_project)

    def student_name(self, s: int) -> str:
        return self.student_names[s] if self.student_names is not None else str(s)

    def project_name(self, p: int) -> str:
        return self.project_names[p] if self.project_names is not None else str(p)

    @cached_property
    def pair_student(self) -> np.ndarray:
        return np.repeat(np.arange(self.n_students, dtype=np.int64), np.diff(self.ptr))

    @cached_property
    def pair_key(self) -> np.ndarray:
        """One int64 per pair: larger means the owner likes the student more.

        `-(rank * n_students + student)`, so ties in rank go to the lower
        student index and `(-key) % n_students` recovers the student.
        """
        n = max(self.n_students, 1)
        return -(self.pair_rank.astype(np.int64) * n + self.pair_student)

    @cached_property
    def pair_position(self) -> np.ndarray:
        """0-based position of each pair in its student's cleaned list."""
        return np.arange(self.n_pairs, dtype=np.int64) - np.repeat(self.ptr[:-1], np.diff(self.ptr))

    @property
    def supervisors_bind(self) -> bool:
        """False when no supervisor capacity can ever be reached (plain HR)."""
        if self.project_supervisor is None or self.supervisor_capacity is None:
            return False
        total = np.bincount(
            self.project_supervisor, weights=self.project_capacity, minlength=self.n_supervisors
        )
        return bool(np.any(self.supervisor_capacity < total))

    @classmethod
    def from_choices(
        cls,
        choices: np.ndarray,
        project_capacity: np.ndarray,
        *,
        choice_rank: np.ndarray | None = None,
        student_rank: np.ndarray | None = None,
        project_supervisor: np.ndarray | None = None,
        supervisor_capacity: np.ndarray | None = None,
        student_names: list[str] | None = None,
        project_names: list[str] | None = None,
        supervisor_names: list[str] | None = None,
    ) -> ArrayInstance:
        """The fast path: a padded `(n_students, k)` matrix of project indices.

        `choices[s, j]` is student `s`'s j-th choice; `-1` (or any index out
        of range) is a blank. Rankings come either from `choice_rank`
        (same shape: the owner's rank of the student for that choice,
        negative when the owner does not rank them) or from `student_rank`
        (one number per student, the same order for every owner, like the
        cohort `rank` column of the shared CSVs).
        """
        choices = np.asarray(choices)
        if choices.ndim != 2:
            raise ValueError("choices must be a 2-D (n_students, k) array")
        n, k = choices.shape
        pcap = np.asarray(project_capacity, dtype=np.int64).copy()
        m = len(pcap)
        if (project_supervisor is None) != (supervisor_capacity is None):
            raise ValueError("give project_supervisor and supervisor_capacity together")
        psup: np.ndarray | None = None
        scap: np.ndarray | None = None
        if project_supervisor is not None and supervisor_capacity is not None:
            psup = np.asarray(project_supervisor, dtype=np.int64)
            scap = np.asarray(supervisor_capacity, dtype=np.int64).copy()
            if psup.shape != (m,) or (m and (psup.min() < 0 or psup.max() >= len(scap))):
                raise ValueError("project_supervisor must give a supervisor index per project")
            pcap = np.minimum(pcap, scap[psup])
            total = np.bincount(psup, weights=np.maximum(pcap, 0), minlength=len(scap))
            scap = np.minimum(scap, total.astype(np.int64))

        valid = (choices >= 0) & (choices < m)
        dropped = {
            "blank_or_unknown": int(np.count_nonzero(choices != -1) - np.count_nonzero(valid))
        }
        safe = np.where(valid, choices, 0).astype(np.int64)
        dup = np.zeros_like(valid)
        for j in range(1, k):
            col = safe[:, j : j + 1]
            dup[:, j] = np.any((safe[:, :j] == col) & valid[:, :j], axis=1)
        dup &= valid
        dropped["duplicate"] = int(dup.sum())
        valid &= ~dup

        if choice_rank is not None:
            ranks = np.asarray(choice_rank, dtype=np.int64)
            if ranks.shape != choices.shape:
                raise ValueError("choice_rank must have the shape of choices")
            unranked = valid & (ranks < 0)
        elif student_rank is not None:
            srank = np.asarray(student_rank, dtype=np.int64)
            if srank.shape != (n,):
                raise ValueError("student_rank must give one rank per student")
            ranks = np.broadcast_to(srank[:, None], choices.shape)
            unranked = np.zeros_like(valid)
        else:
            raise ValueError("give choice_rank or student_rank")
        dropped["not_ranked_by_project"] = int(unranked.sum())
        valid &= ~unranked
        no_room = valid & (pcap[safe] < 1)
        dropped["no_capacity"] = int(no_room.sum())
        valid &= ~no_room

        counts = valid.sum(axis=1)
        ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(counts, out=ptr[1:])
        pair_project = safe[valid]
        pair_rank = ranks[valid]
        if len(pair_rank) and (
            pair_rank.min() < 0 or int(pair_rank.max()) >= _KEY_LIMIT // max(n, 1)
        ):
            # dense ranks keep every owner's order and fit the int64 key
            _, pair_rank = np.unique(pair_rank, return_inverse=True)
        return cls(
            ptr=ptr,
            pair_project=pair_project,
            pair_rank=pair_rank.astype(np.int64),
            project_capacity=np.maximum(pcap, 0),
            project_supervisor=psup,
            supervisor_capacity=None if scap is None else np.maximum(scap, 0),
            student_names=student_names,
            project_names=project_names,
            supervisor_names=supervisor_names,
            dropped=dropped,
        )


def _first_positions(names: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for name in names:
        out.setdefault(name, len(out))
    return out


def coerce_students(students: Iterable[Student] | Mapping[str, Sequence[str]]) -> list[Student]:
    if isinstance(students, Mapping):
        return [Student(name, list(prefs)) for name, prefs in students.items()]
    return list(students)


def build_instance(
    students: Iterable[Student] | Mapping[str, Sequence[str]],
    projects: Iterable[Project],
    supervisors: Iterable[Supervisor] | None = None,
    *,
    student_order: Sequence[str] | None = None,
) -> ArrayInstance:
    """Turn named students, projects and supervisors into an `ArrayInstance`.

    Without `supervisors` the instance is hospitals/residents: each project
    ranks with its own `preferences` (or `student_order`) and supervisor
    names on projects are ignored. With `supervisors`, a project without a
    supervisor gets a private one with the project's capacity.
    """
    student_list = coerce_students(students)
    project_list = list(projects)
    student_names = [s.name for s in student_list]
    if len(set(student_names)) != len(student_names):
        raise ValueError("student names must be unique")
    project_names = [p.code for p in project_list]
    project_index = {code: i for i, code in enumerate(project_names)}
    if len(project_index) != len(project_names):
        raise ValueError("project codes must be unique")
    global_order = _first_positions(student_order) if student_order is not None else None

    def ranking(prefs: Sequence[str] | None, who: str) -> dict[str, int]:
        if prefs is not None:
            return _first_positions(prefs)
        if global_order is None:
            raise ValueError(f"{who} has no ranking of students: give preferences or student_order")
        return global_order

    owner_rank: list[dict[str, int]] = []
    project_owner: list[int] = []
    psup: np.ndarray | None = None
    scap: np.ndarray | None = None
    sup_names: list[str] | None = None
    if supervisors is None:
        for p in project_list:
            project_owner.append(len(owner_rank))
            owner_rank.append(ranking(p.preferences, f"project {p.code}"))
    else:
        sup_list = list(supervisors)
        sup_names = [s.name for s in sup_list]
        sup_index = {name: i for i, name in enumerate(sup_names)}
        if len(sup_index) != len(sup_names):
            raise ValueError("supervisor names must be unique")
        caps = [s.capacity for s in sup_list]
        projects_of: dict[int, list[Project]] = {}
        for p in project_list:
            if p.supervisor is not None:
                if p.supervisor not in sup_index:
                    raise ValueError(f"project {p.code} names unknown supervisor {p.supervisor}")
                projects_of.setdefault(sup_index[p.supervisor], []).append(p)
        for i, sup in enumerate(sup_list):
            own = projects_of.get(i, [])
            if sup.preferences is not None:
                clash = [p.code for p in own if p.preferences is not None]
                if clash:
                    raise ValueError(
                        f"supervisor {sup.name} ranks students, so projects {clash} must not"
                    )
                owner_rank.append(_first_positions(sup.preferences))
            elif len(own) == 1 and own[0].preferences is not None:
                owner_rank.append(_first_positions(own[0].preferences))
            elif any(p.preferences is not None for p in own):
                raise ValueError(
                    f"supervisor {sup.name} has several projects with their own rankings; "
                    "in SPA the supervisor's ranking governs, give Supervisor.preferences"
                )
            else:
                owner_rank.append(ranking(None, f"supervisor {sup.name}"))
        for p in project_list:
            if p.supervisor is None:  # a private supervisor, never binding
                project_owner.append(len(owner_rank))
                owner_rank.append(ranking(p.preferences, f"project {p.code}"))
                caps.append(p.capacity)
            else:
                project_owner.append(sup_index[p.supervisor])
        psup = np.asarray(project_owner, dtype=np.int64)
        scap = np.asarray(caps, dtype=np.int64)

    k = max((len(s.preferences) for s in student_list), default=0)
    n = len(student_list)
    choices = np.full((n, max(k, 1)), -1, dtype=np.int64)
    choice_rank = np.full((n, max(k, 1)), -1, dtype=np.int64)
    unknown = 0
    for si, st in enumerate(student_list):
        row = choices[si]
        rrow = choice_rank[si]
        for j, code in enumerate(st.preferences):
            pi = project_index.get(code)
            if pi is None:
                unknown += 1
                continue
            row[j] = pi
            r = owner_rank[project_owner[pi]].get(st.name)
            if r is not None:
                rrow[j] = r
    inst = ArrayInstance.from_choices(
        choices,
        np.asarray([p.capacity for p in project_list], dtype=np.int64),
        choice_rank=choice_rank,
        project_supervisor=psup,
        supervisor_capacity=scap,
        student_names=student_names,
        project_names=project_names,
        supervisor_names=sup_names,
    )
    inst.dropped["blank_or_unknown"] += unknown
    return inst
