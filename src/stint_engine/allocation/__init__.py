"""Stable student-project allocation (deferred acceptance), plain data in and out.

`allocate(students, projects, supervisors=None, optimal="student")` returns
the student-optimal (or project-optimal) stable `Matching`, the same one the
`matching` library's `StudentAllocation`/`HospitalResident` return with
`clean=True`. For big instances build an `ArrayInstance` from numpy arrays
(`ArrayInstance.from_choices`) and call `allocate_arrays`.
"""

from stint_engine.allocation.allocate import allocate, allocate_arrays, to_matching
from stint_engine.allocation.explain import Explanation, PreferredProject, explain_assignment
from stint_engine.allocation.instance import ArrayInstance, build_instance
from stint_engine.allocation.model import BlockingPair, Matching, Project, Student, Supervisor
from stint_engine.allocation.stability import blocking_pair_indices, check_capacities

__all__ = [
    "ArrayInstance",
    "BlockingPair",
    "Explanation",
    "Matching",
    "PreferredProject",
    "Project",
    "Student",
    "Supervisor",
    "allocate",
    "allocate_arrays",
    "blocking_pair_indices",
    "build_instance",
    "check_capacities",
    "explain_assignment",
    "to_matching",
]
