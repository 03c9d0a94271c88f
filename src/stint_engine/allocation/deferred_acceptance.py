"""Deferred acceptance on an `ArrayInstance`: student- and project-optimal.

Three loops, all over plain Python lists of ints (numpy element access in
a Python loop is slower than list indexing; the arrays are converted once):

* student-optimal, no binding supervisor (hospitals/residents): students
  propose in order; each project keeps a min-heap of the keys of the
  students it holds, so its worst student is `heap[0]`.
* student-optimal with supervisors (SPA-S, Abraham, Irving and Manlove
  2007, algorithm SPA-student, which the `matching` library implements):
  the same, plus a heap per supervisor. The algorithm's "delete every
  successor of the worst student" steps are kept as one threshold key per
  project and per supervisor: a pair is deleted when the student's key is
  below the threshold, and thresholds only rise.
* project-optimal (SPA-lecturer of the same paper; with no supervisors each
  project is its own lecturer, which is hospital-proposing HR).

Stable matchings are unique per side, so the proposal order does not
change the result; tests compare with the `matching` library.
"""

from __future__ import annotations

from heapq import heappop, heappush, heapreplace

import numpy as np

from stint_engine.allocation.instance import ArrayInstance


def solve(instance: ArrayInstance, optimal: str = "student") -> np.ndarray:
    """Return `student_project`: each student's project index, -1 if unmatched."""
    if optimal == "student":
        if instance.supervisors_bind:
            pairs = _student_optimal_spa(instance)
        else:
            pairs = _student_optimal_hr(instance)
    elif optimal in ("project", "supervisor"):
        pairs = _project_optimal(instance)
    else:
        raise ValueError(f"optimal must be 'student' or 'project', not {optimal!r}")
    return pairs_to_projects(instance, pairs)


def pairs_to_projects(instance: ArrayInstance, pair_of_student: np.ndarray) -> np.ndarray:
    out = np.full(instance.n_students, -1, dtype=np.int64)
    matched = pair_of_student >= 0
    out[matched] = instance.pair_project[pair_of_student[matched]]
    return out


def _student_optimal_hr(inst: ArrayInstance) -> np.ndarray:
    """Resident-proposing DA; returns the matched pair index per student (-1 if none)."""
    n = inst.n_students
    proj: list[int] = inst.pair_project.tolist()
    keys: list[int] = inst.pair_key.tolist()
    nxt: list[int] = inst.ptr[:-1].tolist()
    end: list[int] = inst.ptr[1:].tolist()
    room: list[int] = inst.project_capacity.tolist()
    heaps: list[list[int]] = [[] for _ in range(inst.n_projects)]
    held = [-1] * n  # pair index a student holds (valid only while in a heap)

    for s0 in range(n):
        s = s0
        i = nxt[s]
        e = end[s]
        while i < e:
            p = proj[i]
            k = keys[i]
            h = heaps[p]
            if room[p]:
                room[p] -= 1
                heappush(h, k)
                held[s] = i
                break
            if k > h[0]:
                w = (-heapreplace(h, k)) % n
                held[s] = i
                nxt[s] = i + 1
                s = w
                i = nxt[s]
                e = end[s]
                continue
            i += 1
        else:
            held[s] = -1
            nxt[s] = i
            continue
        nxt[s] = i + 1

    # a student is matched iff some heap holds them; held[] may be stale for the rejected
    out = np.full(n, -1, dtype=np.int64)
    for h in heaps:
        for k in h:
            s = (-k) % n
            out[s] = held[s]
    return out


def _student_optimal_spa(inst: ArrayInstance) -> np.ndarray:
    """SPA-student with lazy deletions; returns the matched pair index per student."""
    assert inst.project_supervisor is not None and inst.supervisor_capacity is not None
    n = inst.n_students
    proj: list[int] = inst.pair_project.tolist()
    keys: list[int] = inst.pair_key.tolist()
    nxt: list[int] = inst.ptr[:-1].tolist()
    end: list[int] = inst.ptr[1:].tolist()
    pcap: list[int] = inst.project_capacity.tolist()
    sup: list[int] = inst.project_supervisor.tolist()
    lcap: list[int] = inst.supervisor_capacity.tolist()
    n_p = inst.n_projects
    n_l = inst.n_supervisors
    floor = -(2**63)
    pthr = [floor] * n_p  # pairs with key < threshold are deleted
    lthr = [floor] * n_l
    pload = [0] * n_p
    lload = [0] * n_l
    pheap: list[list[int]] = [[] for _ in range(n_p)]
    lheap: list[list[int]] = [[] for _ in range(n_l)]
    assigned = [-1] * n  # project index
    held = [-1] * n  # pair index

    for s0 in range(n):
        s = s0
        while s >= 0:
            i = nxt[s]
            e = end[s]
            w = -1
            while i < e:
                p = proj[i]
                k = keys[i]
                i += 1
                if k < pthr[p]:
                    continue
                lec = sup[p]
                if k < lthr[lec]:
                    continue
                assigned[s] = p
                held[s] = i - 1
                nxt[s] = i
                ph = pheap[p]
                lh = lheap[lec]
                heappush(ph, k)
                heappush(lh, k)
                pload[p] += 1
                lload[lec] += 1
                if pload[p] > pcap[p]:
                    while True:
                        w = (-heappop(ph)) % n
                        if assigned[w] == p:
                            break
                    assigned[w] = -1
                    pload[p] -= 1
                    lload[lec] -= 1
                elif lload[lec] > lcap[lec]:
                    while True:
                        w = (-heappop(lh)) % n
                        q = assigned[w]
                        if q >= 0 and sup[q] == lec:
                            break
                    assigned[w] = -1
                    pload[q] -= 1
                    lload[lec] -= 1
                if pload[p] == pcap[p]:
                    while True:
                        top = ph[0]
                        if assigned[(-top) % n] == p:
                            break
                        heappop(ph)
                    if top > pthr[p]:
                        pthr[p] = top
                if lload[lec] == lcap[lec]:
                    while True:
                        top = lh[0]
                        q = assigned[(-top) % n]
                        if q >= 0 and sup[q] == lec:
                            break
                        heappop(lh)
                    if top > lthr[lec]:
                        lthr[lec] = top
                break
            else:
                nxt[s] = i
            s = w

    out = np.asarray(held, dtype=np.int64)
    out[np.asarray(assigned, dtype=np.int64) < 0] = -1
    return out


def _project_optimal(inst: ArrayInstance) -> np.ndarray:
    """SPA-lecturer (hospital-proposing HR when there are no supervisors).

    An owner with room offers the first pair in its order (students best
    first, then each student's projects in the student's order) whose
    project has room and which the student prefers to what they hold; the
    student always accepts. Students only trade up, so a pair the student
    no longer prefers is closed for good. Each project keeps a pointer to
    its first still-open pair (in owner order, monotone); the owner's offer
    is the earliest of its projects' pointers among projects with room.
    """
    n = inst.n_students
    n_p = inst.n_projects
    if inst.project_supervisor is not None and inst.supervisor_capacity is not None:
        owner_of = inst.project_supervisor
        ocap_arr = inst.supervisor_capacity
    else:
        owner_of = np.arange(n_p, dtype=np.int64)
        ocap_arr = inst.project_capacity
    n_o = len(ocap_arr)
    pair_owner = owner_of[inst.pair_project]
    # the owner's order over all its pairs: student (key descending), then student's order
    walk = np.lexsort((np.arange(inst.n_pairs), -inst.pair_key, pair_owner))
    walk_pos = np.empty(inst.n_pairs, dtype=np.int64)
    walk_pos[walk] = np.arange(inst.n_pairs)
    # each project's pairs in owner order
    by_project = walk[np.argsort(inst.pair_project[walk], kind="stable")]
    pptr = np.zeros(n_p + 1, dtype=np.int64)
    np.cumsum(np.bincount(inst.pair_project, minlength=n_p), out=pptr[1:])
    projects_of: list[list[int]] = [[] for _ in range(n_o)]
    for p, o in enumerate(owner_of.tolist()):
        projects_of[o].append(p)

    pw: list[int] = by_project.tolist()
    wpos: list[int] = walk_pos.tolist()
    pstu: list[int] = inst.pair_student.tolist()
    proj: list[int] = inst.pair_project.tolist()
    owner: list[int] = owner_of.tolist()
    pcap: list[int] = inst.project_capacity.tolist()
    ocap: list[int] = ocap_arr.tolist()
    pfirst: list[int] = pptr[:-1].tolist()
    pend: list[int] = pptr[1:].tolist()
    big = inst.n_pairs + 1
    held = [big] * n  # pair index each student holds; lower index = preferred
    pload = [0] * n_p
    oload = [0] * n_o
    stack = list(range(n_o - 1, -1, -1))
    queued = [True] * n_o

    while stack:
        o = stack.pop()
        queued[o] = False
        mine = projects_of[o]
        while oload[o] < ocap[o]:
            best = big
            i = -1
            for p in mine:
                if pload[p] >= pcap[p]:
                    continue
                j = pfirst[p]
                e = pend[p]
                while j < e and pw[j] >= held[pstu[pw[j]]]:
                    j += 1
                pfirst[p] = j
                if j < e and wpos[pw[j]] < best:
                    i = pw[j]
                    best = wpos[i]
            if i < 0:
                break
            s = pstu[i]
            old = held[s]
            if old != big:
                q = proj[old]
                pload[q] -= 1
                oq = owner[q]
                oload[oq] -= 1
                if oq != o and not queued[oq]:
                    queued[oq] = True
                    stack.append(oq)
            held[s] = i
            pload[proj[i]] += 1
            oload[o] += 1

    out = np.asarray(held, dtype=np.int64)
    out[out == big] = -1
    return out
