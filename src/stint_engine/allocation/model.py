"""The named side of allocation: students, projects, supervisors and the result.

These are plain dataclasses so the Django side (and tests) can build them
from anything. The solver itself works on integer arrays
(`stint_engine.allocation.instance.ArrayInstance`); `Matching` keeps a
reference to that instance so stability checks and explanations use exactly
the data the solver saw.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from stint_engine.allocation.instance import ArrayInstance


@dataclass(frozen=True)
class Student:
    """A student and the projects they want, best first.

    Repeated projects keep their first position; unknown projects and
    projects whose ranking does not include the student are ignored
    (the `matching` library's `clean=True` rules).
    """

    name: str
    preferences: list[str]


@dataclass(frozen=True)
class Project:
    """A project with room for `capacity` students.

    Its ranking of students, best first, comes from (in this order):
    its supervisor's `preferences`, its own `preferences`, or the
    `student_order` passed to `allocate`. With a supervisor that ranks
    students, the project's own `preferences` must be left empty: in SPA
    the supervisor's ranking governs all of their projects.
    """

    code: str
    capacity: int
    supervisor: str | None = None
    preferences: list[str] | None = None


@dataclass(frozen=True)
class Supervisor:
    """A supervisor who can take `capacity` students over all their projects."""

    name: str
    capacity: int
    preferences: list[str] | None = None


@dataclass(frozen=True)
class BlockingPair:
    student: str
    project: str


@dataclass
class Matching:
    """A stable allocation.

    `project_to_students` lists every project, its students in the
    project's own order (best first); `student_to_project` lists every
    student, `None` when unmatched.
    """

    project_to_students: dict[str, list[str]]
    student_to_project: dict[str, str | None]
    optimal: str
    instance: ArrayInstance = field(repr=False)
    student_project: np.ndarray = field(repr=False)

    @property
    def unmatched(self) -> list[str]:
        return [s for s, p in self.student_to_project.items() if p is None]

    def supervisor_load(self) -> dict[str, int]:
        """Students per supervisor (empty when the instance has no supervisors)."""
        inst = self.instance
        if inst.project_supervisor is None or inst.supervisor_names is None:
            return {}
        load = [0] * inst.n_supervisors
        for p in self.student_project.tolist():
            if p >= 0:
                load[int(inst.project_supervisor[p])] += 1
        # private supervisors of supervisor-less projects come after the named ones
        return dict(zip(inst.supervisor_names, load[: len(inst.supervisor_names)], strict=True))

    def blocking_pairs(self) -> list[BlockingPair]:
        from stint_engine.allocation.stability import blocking_pair_indices

        inst = self.instance
        return [
            BlockingPair(inst.student_name(s), inst.project_name(p))
            for s, p in blocking_pair_indices(inst, self.student_project)
        ]

    def is_stable(self) -> bool:
        return not self.blocking_pairs()
