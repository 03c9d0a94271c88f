"""Why a student got the project they got.

In a stable matching every project a student preferred was closed to them
for a reason they can check: it was full of students its owner ranked
higher, or (with supervisors) its supervisor was full of such students.
Deferred acceptance is strategy-proof for students, so the message can
honestly add that listing choices in a different order would not have
helped. Other students are counted, never named.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stint_engine.allocation.model import Matching


@dataclass(frozen=True)
class PreferredProject:
    """A project the student ranked above their result, and why it was closed."""

    project: str
    choice: int  # 1-based position in the student's usable list
    reason: str  # "project_full" | "supervisor_full" | "unexplained"
    capacity: int  # of the project, or of the supervisor for "supervisor_full"
    ranked_above: int  # how many of the holders the owner ranked above the student


@dataclass(frozen=True)
class Explanation:
    student: str
    project: str | None
    choice: int | None  # 1-based position of `project` in the usable list
    usable_choices: int
    preferred: list[PreferredProject]

    @property
    def message(self) -> str:
        lines = []
        if self.project is None:
            lines.append(
                f"You were not placed: none of your {self.usable_choices} usable choices had room "
                "for you."
            )
        else:
            lines.append(f"You were placed on {self.project}, your choice {self.choice}.")
        for p in self.preferred:
            if p.reason == "project_full":
                places = "its only place" if p.capacity == 1 else f"all {p.capacity} places"
                lines.append(
                    f"- {p.project} (choice {p.choice}) was full: {places} went to "
                    "students it ranked above you."
                )
            elif p.reason == "supervisor_full":
                who = "1 student" if p.capacity == 1 else f"{p.capacity} students"
                lines.append(
                    f"- {p.project} (choice {p.choice}): its supervisor was full, with "
                    f"{who} they ranked above you."
                )
            else:
                lines.append(f"- {p.project} (choice {p.choice}) could not be explained.")
        if self.preferred:
            lines.append(
                "Listing your choices in another order would not have got you a project you "
                "rank higher: the allocation rewards honest rankings."
            )
        return "\n".join(lines)


def explain_assignment(matching: Matching, student: str) -> Explanation:
    """Explain `student`'s result in `matching` over their usable choices.

    Usable choices are those left after cleaning (repeats, unknown projects
    and projects that do not rank the student are not choices the allocation
    could use).
    """
    inst = matching.instance
    names = inst.student_names
    s = names.index(student) if names is not None else int(student)
    sp = matching.student_project
    lo, hi = int(inst.ptr[s]), int(inst.ptr[s + 1])
    proj = inst.pair_project
    key = inst.pair_key
    held_mask = sp[inst.pair_student] == proj
    held_proj = proj[held_mask]
    held_key = key[held_mask]
    mine = int(sp[s])
    stop = hi
    for i in range(lo, hi):
        if int(proj[i]) == mine:
            stop = i
            break
    psup = inst.project_supervisor
    preferred = []
    for i in range(lo, stop):
        p = int(proj[i])
        k = int(key[i])
        in_p = held_key[held_proj == p]
        cap = int(inst.project_capacity[p])
        if len(in_p) >= cap and np.all(in_p > k):
            preferred.append(
                PreferredProject(inst.project_name(p), i - lo + 1, "project_full", cap, len(in_p))
            )
            continue
        if psup is not None and inst.supervisor_capacity is not None:
            lec = int(psup[p])
            in_l = held_key[psup[held_proj] == lec]
            lcap = int(inst.supervisor_capacity[lec])
            if len(in_l) >= lcap and np.all(in_l > k):
                preferred.append(
                    PreferredProject(
                        inst.project_name(p), i - lo + 1, "supervisor_full", lcap, len(in_l)
                    )
                )
                continue
        preferred.append(PreferredProject(inst.project_name(p), i - lo + 1, "unexplained", cap, 0))
    return Explanation(
        student=student,
        project=inst.project_name(mine) if mine >= 0 else None,
        choice=(stop - lo + 1) if mine >= 0 else None,
        usable_choices=hi - lo,
        preferred=preferred,
    )
