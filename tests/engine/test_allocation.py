"""Stable student-project allocation: published results, properties, CLI."""

from __future__ import annotations

import csv
import io
import json
import warnings
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stint_engine.allocation import (
    ArrayInstance,
    Matching,
    Project,
    Student,
    Supervisor,
    allocate,
    allocate_arrays,
    explain_assignment,
)
from stint_engine.cli import main

# ---------------------------------------------------------------- helpers


def read_shared_instance(
    folder: Path,
) -> tuple[list[Student], list[Project], list[Supervisor], list[str]]:
    with open(folder / "students.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    choice_cols = [c for c in rows[0] if c not in ("name", "rank")]
    students = [Student(r["name"], [r[c] for c in choice_cols if r[c]]) for r in rows]
    cohort = [r["name"] for r in sorted(rows, key=lambda r: int(r["rank"]))]
    with open(folder / "projects.csv", newline="") as f:
        projects = [
            Project(r["code"], int(r["capacity"]), r["supervisor"]) for r in csv.DictReader(f)
        ]
    with open(folder / "supervisors.csv", newline="") as f:
        supervisors = [Supervisor(r["name"], int(r["capacity"])) for r in csv.DictReader(f)]
    return students, projects, supervisors, cohort


def as_sets(project_to_students: dict[str, list[str]]) -> dict[str, set[str]]:
    return {p: set(ss) for p, ss in project_to_students.items() if ss}


def brute_force_blocking(
    student_prefs: dict[str, list[str]],
    project_cap: dict[str, int],
    project_owner: dict[str, str],
    owner_cap: dict[str, int],
    owner_ranking: dict[str, list[str]],
    student_to_project: dict[str, str | None],
) -> list[tuple[str, str]]:
    """Blocking pairs straight from the definition (the `matching` library's SA one).

    Owners are supervisors; for hospitals/residents every project owns itself.
    Acceptable: the project is in the student's list and its owner ranks them.
    """
    position = {
        o: {s: i for i, s in reversed(list(enumerate(r)))} for o, r in owner_ranking.items()
    }
    members: dict[str, list[str]] = {p: [] for p in project_cap}
    for s, p in student_to_project.items():
        if p is not None:
            members[p].append(s)
    owner_members: dict[str, list[str]] = {o: [] for o in owner_cap}
    for p, ss in members.items():
        owner_members[project_owner[p]].extend(ss)
    out = []
    for s, prefs in student_prefs.items():
        mine = student_to_project[s]
        for p in dict.fromkeys(prefs):
            if p not in project_cap or s not in position[project_owner[p]]:
                continue
            if p == mine:
                break  # everything after is worse for s
            o = project_owner[p]
            rank = position[o]
            p_room = len(members[p]) < project_cap[p]
            o_room = len(owner_members[o]) < owner_cap[o]
            o_worst = max((rank[x] for x in owner_members[o]), default=-1)
            p_worst = max((rank[x] for x in members[p]), default=-1)
            if (
                (p_room and o_room)
                or (p_room and not o_room and (s in owner_members[o] or rank[s] < o_worst))
                or (not p_room and rank[s] < p_worst)
            ):
                out.append((s, p))
    return out


def run_library_sa(
    student_prefs: dict[str, list[str]],
    supervisor_prefs: dict[str, list[str]],
    project_supervisor: dict[str, str],
    project_cap: dict[str, int],
    supervisor_cap: dict[str, int],
    optimal: str,
) -> dict[str, set[str]]:
    from matching.games import StudentAllocation

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = StudentAllocation.create_from_dictionaries(
            student_prefs,
            supervisor_prefs,
            project_supervisor,
            project_cap,
            supervisor_cap,
            clean=True,
        )
        result = game.solve(optimal=optimal)
    return {p.name: {s.name for s in ss} for p, ss in result.items() if ss}


def run_library_hr(
    resident_prefs: dict[str, list[str]],
    hospital_prefs: dict[str, list[str]],
    capacities: dict[str, int],
    optimal: str = "resident",
) -> dict[str, set[str]]:
    from matching.games import HospitalResident

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(
            resident_prefs, hospital_prefs, capacities, clean=True
        )
        result = game.solve(optimal=optimal)
    return {h.name: {r.name for r in rs} for h, rs in result.items() if rs}


# ---------------------------------------------------------------- published results


@pytest.mark.shared
def test_shared_instance_reproduces_the_published_student_optimal_matching(shared: Path) -> None:
    folder = shared / "allocation"
    expected = json.loads((folder / "expected_student_optimal_matching.json").read_text())
    students, projects, supervisors, cohort = read_shared_instance(folder)

    m = allocate(students, projects, supervisors, student_order=cohort)

    assert as_sets(m.project_to_students) == as_sets(expected["project_to_students"])
    assert sorted(m.unmatched) == sorted(expected["unmatched_students"])
    assert m.is_stable()
    loads = m.supervisor_load()
    assert all(loads[s.name] <= s.capacity for s in supervisors)


@pytest.mark.shared
def test_cli_on_the_shared_csvs_prints_the_published_matching(shared: Path) -> None:
    folder = shared / "allocation"
    expected = json.loads((folder / "expected_student_optimal_matching.json").read_text())
    out = io.StringIO()
    with redirect_stdout(out):
        main(
            [
                "allocate",
                "--students", str(folder / "students.csv"),
                "--projects", str(folder / "projects.csv"),
                "--supervisors", str(folder / "supervisors.csv"),
            ]
        )  # fmt: skip
    result = json.loads(out.getvalue())
    assert as_sets(result["project_to_students"]) == as_sets(expected["project_to_students"])
    assert len(result["project_to_students"]) == 70  # L1, which nobody chose, is listed empty


@pytest.mark.shared
@pytest.mark.parametrize(
    "example", ["readme_example", "issue_67_example", "resident_loses_all_preferences"]
)
def test_small_hospital_resident_examples(shared: Path, example: str) -> None:
    data = json.loads((shared / "allocation" / "hr_small_examples_with_expected.json").read_text())[
        example
    ]
    students = [Student(r, prefs) for r, prefs in data["resident_prefs"].items()]
    projects = [
        Project(h, data["capacities"][h], preferences=prefs)
        for h, prefs in data["hospital_prefs"].items()
    ]

    m = allocate(students, projects)

    # same students in the same (hospital preference) order as the library's test asserts
    assert m.project_to_students == data["expected_matching"]


@pytest.mark.shared
def test_issue_159_instance_matches_the_library(shared: Path) -> None:
    data = json.loads((shared / "allocation" / "hr_issue_159_instance.json").read_text())
    residents = {r: [str(h) for h in prefs] for r, prefs in data["residents"].items()}
    hospitals = {h: [str(r) for r in prefs] for h, prefs in data["hospitals"].items()}
    caps = dict.fromkeys(hospitals, 1)  # as in the library's test

    m = allocate(
        [Student(r, p) for r, p in residents.items()],
        [Project(h, 1, preferences=p) for h, p in hospitals.items()],
    )

    assert as_sets(m.project_to_students) == run_library_hr(residents, hospitals, caps)
    assert m.is_stable()


# ---------------------------------------------------------------- random instances


@st.composite
def spa_instances(draw: st.DrawFn) -> dict:
    n_students = draw(st.integers(1, 10))
    n_projects = draw(st.integers(1, 6))
    n_sups = draw(st.integers(1, 3))
    students = [f"s{i}" for i in range(n_students)]
    projects = [f"p{i}" for i in range(n_projects)]
    sups = [f"l{i}" for i in range(n_sups)]
    # repeated choices on purpose: the first one counts
    prefs = {s: draw(st.lists(st.sampled_from(projects), max_size=5)) for s in students}
    psup = {p: draw(st.sampled_from(sups)) for p in projects}
    pcap = {p: draw(st.integers(1, 3)) for p in projects}
    lcap = {lec: draw(st.integers(1, 5)) for lec in sups}
    ranking = {}
    for lec in sups:
        applicants = [s for s in students if any(psup[c] == lec for c in prefs[s])]
        ranking[lec] = draw(st.permutations(applicants))
    return {"prefs": prefs, "psup": psup, "pcap": pcap, "lcap": lcap, "ranking": ranking}


def _ours_spa(inst: dict, optimal: str) -> Matching:
    return allocate(
        [Student(s, p) for s, p in inst["prefs"].items()],
        [Project(p, c, inst["psup"][p]) for p, c in inst["pcap"].items()],
        [Supervisor(lec, c, list(inst["ranking"][lec])) for lec, c in inst["lcap"].items()],
        optimal,
    )


def _check_valid_and_stable(inst: dict, m: Matching) -> None:
    load: dict[str, int] = {}
    for s, p in m.student_to_project.items():
        if p is not None:
            assert p in inst["prefs"][s], "matched to a project the student did not rank"
            assert s in inst["ranking"][inst["psup"][p]], (
                "matched to an owner that did not rank them"
            )
            load[p] = load.get(p, 0) + 1
    for p, n in load.items():
        assert n <= inst["pcap"][p]
    for lec, cap in inst["lcap"].items():
        assert sum(n for p, n in load.items() if inst["psup"][p] == lec) <= cap
    blocking = brute_force_blocking(
        inst["prefs"],
        inst["pcap"],
        inst["psup"],
        inst["lcap"],
        inst["ranking"],
        m.student_to_project,
    )
    assert blocking == []
    assert m.is_stable()


FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(spa_instances())
def test_student_optimal_is_stable_and_equals_the_library(inst: dict) -> None:
    m = _ours_spa(inst, "student")
    _check_valid_and_stable(inst, m)
    used = sorted(set(inst["psup"].values()))
    theirs = run_library_sa(
        inst["prefs"],
        {lec: list(inst["ranking"][lec]) for lec in used},
        inst["psup"],
        inst["pcap"],
        {lec: inst["lcap"][lec] for lec in used},
        "student",
    )
    assert as_sets(m.project_to_students) == theirs


@FAST
@given(spa_instances())
def test_project_optimal_is_stable_and_equals_the_library(inst: dict) -> None:
    m = _ours_spa(inst, "project")
    _check_valid_and_stable(inst, m)
    used = sorted(set(inst["psup"].values()))
    theirs = run_library_sa(
        inst["prefs"],
        {lec: list(inst["ranking"][lec]) for lec in used},
        inst["psup"],
        inst["pcap"],
        {lec: inst["lcap"][lec] for lec in used},
        "supervisor",
    )
    assert as_sets(m.project_to_students) == theirs
    # students weakly prefer the student-optimal matching
    best = _ours_spa(inst, "student").student_to_project
    for s, prefs in inst["prefs"].items():
        order = list(dict.fromkeys(prefs))
        mine, theirs_p = best[s], m.student_to_project[s]
        if theirs_p is not None:
            assert mine is not None and order.index(mine) <= order.index(theirs_p)


@st.composite
def hr_instances(draw: st.DrawFn) -> dict:
    students = [f"r{i}" for i in range(draw(st.integers(1, 10)))]
    hospitals = [f"h{i}" for i in range(draw(st.integers(1, 5)))]
    prefs = {r: draw(st.lists(st.sampled_from(hospitals), max_size=4)) for r in students}
    # hospitals rank a random subset of everyone: some applicants are unacceptable to them
    ranking = {h: draw(st.permutations(students)) for h in hospitals}
    ranking = {
        h: [r for r in order if draw(st.booleans()) or h in prefs[r]]
        for h, order in ranking.items()
    }
    caps = {h: draw(st.integers(1, 3)) for h in hospitals}
    return {"prefs": prefs, "ranking": ranking, "caps": caps}


@FAST
@given(hr_instances(), st.sampled_from(["student", "project"]))
def test_hospital_resident_matches_the_library_both_ways(inst: dict, optimal: str) -> None:
    m = allocate(
        [Student(r, p) for r, p in inst["prefs"].items()],
        [Project(h, c, preferences=inst["ranking"][h]) for h, c in inst["caps"].items()],
        optimal=optimal,
    )
    lib_optimal = "resident" if optimal == "student" else "hospital"
    assert as_sets(m.project_to_students) == run_library_hr(
        inst["prefs"], inst["ranking"], inst["caps"], lib_optimal
    )
    self_owned = {h: h for h in inst["caps"]}
    assert (
        brute_force_blocking(
            inst["prefs"],
            inst["caps"],
            self_owned,
            inst["caps"],
            inst["ranking"],
            m.student_to_project,
        )
        == []
    )


@settings(max_examples=60, deadline=None)
@given(spa_instances())
def test_every_better_choice_is_explained(inst: dict) -> None:
    m = _ours_spa(inst, "student")
    for s in inst["prefs"]:
        e = explain_assignment(m, s)
        assert all(p.reason in ("project_full", "supervisor_full") for p in e.preferred)
        assert e.project == m.student_to_project[s]
        assert e.message


def test_array_path_equals_named_path() -> None:
    rng = np.random.default_rng(7)
    n, k, n_p = 300, 6, 40
    choices = rng.integers(-1, n_p, size=(n, k))  # blanks and repeats included
    caps = rng.integers(0, 8, size=n_p)  # some projects take nobody
    cohort = rng.permutation(n)  # cohort rank per student
    psup = rng.integers(0, 8, size=n_p)
    scap = rng.integers(1, 15, size=8)
    inst = ArrayInstance.from_choices(
        choices, caps, student_rank=cohort, project_supervisor=psup, supervisor_capacity=scap
    )
    for optimal in ("student", "project"):
        fast = allocate_arrays(inst, optimal)
        named = allocate(
            [
                Student(f"s{i}", [f"p{c}" for c in row if c >= 0])
                for i, row in enumerate(choices.tolist())
            ],
            [Project(f"p{j}", int(c), f"l{psup[j]}") for j, c in enumerate(caps.tolist())],
            [Supervisor(f"l{j}", int(c)) for j, c in enumerate(scap.tolist())],
            optimal,
            student_order=[f"s{i}" for i in np.argsort(cohort).tolist()],
        )
        assert [named.student_to_project[f"s{i}"] for i in range(n)] == [
            f"p{p}" if p >= 0 else None for p in fast.tolist()
        ]
        assert named.is_stable()


def test_unknown_supervisor_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown supervisor"):
        allocate(
            [Student("a", ["x"])],
            [Project("x", 1, "nobody")],
            [Supervisor("l", 1)],
            student_order=["a"],
        )


def test_no_students_and_no_choices() -> None:
    m = allocate([], [Project("x", 2, preferences=[])])
    assert m.project_to_students == {"x": []}
    m = allocate([Student("a", [])], [Project("x", 2, preferences=["a"])])
    assert m.student_to_project == {"a": None}


# ---------------------------------------------------------------- CLI


def test_cli_smoke(tmp_path: Path) -> None:
    (tmp_path / "students.csv").write_text(
        "name,rank,0,1,2\n"
        "ann,2,P1,P2,\n"
        "bob,1,P1,P1,P2\n"  # a repeat: the first counts
        "cat,3,NOPE,P2,P1\n"  # an unknown code is ignored
        "dan,4,,,\n"
    )
    (tmp_path / "projects.csv").write_text("code,capacity,supervisor\nP1,1,X\nP2,2,X\n")
    (tmp_path / "supervisors.csv").write_text("name,capacity\nX,2\n")
    base = [
        "allocate",
        "--students",
        str(tmp_path / "students.csv"),
        "--projects",
        str(tmp_path / "projects.csv"),
    ]

    out = io.StringIO()
    with redirect_stdout(out):
        assert main([*base, "--supervisors", str(tmp_path / "supervisors.csv")]) == 0
    result = json.loads(out.getvalue())
    # bob (rank 1) gets P1; the supervisor's 2 places go to bob and ann (rank 2)
    assert result["project_to_students"] == {"P1": ["bob"], "P2": ["ann"]}
    assert sorted(result["unmatched"]) == ["cat", "dan"]
    assert result["supervisor_load"] == {"X": 2}

    out = io.StringIO()
    with redirect_stdout(out):
        main([*base, "--optimal", "project"])  # no supervisors: P2 has room for ann and cat
    assert json.loads(out.getvalue())["project_to_students"] == {
        "P1": ["bob"],
        "P2": ["ann", "cat"],
    }
