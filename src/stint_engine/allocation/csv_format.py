"""Read the shared allocation CSVs straight into an `ArrayInstance`.

* students.csv: `name,rank,0,1,...` - the cohort rank (lower is better),
  then choices best first, blanks allowed anywhere;
* projects.csv: `code,capacity,supervisor`;
* supervisors.csv: `name,capacity`.

Every project and supervisor ranks students by the cohort `rank` (the
convention of the `matching` library's tutorial, whose published result
this reproduces); equal or missing ranks fall back to file order. Without a
supervisors file the instance is plain hospitals/residents and the
supervisor column is ignored.
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

import numpy as np
from tqdm import tqdm

from stint_engine.allocation.instance import ArrayInstance

BIG_FILE_BYTES = 2_000_000
_UNKNOWN = -2  # an unknown code; -1 is a blank


def _progress_rows(path: Path, reader: csv.reader, what: str) -> tqdm:  # type: ignore[valid-type]
    big = os.path.getsize(path) >= BIG_FILE_BYTES
    return tqdm(
        reader,
        desc=f"reading {what}",
        unit=" rows",
        unit_scale=True,
        file=sys.stderr,
        disable=not big,
        mininterval=0.5,
    )


def read_projects(path: str | Path) -> tuple[list[str], list[int], list[str]]:
    codes: list[str] = []
    caps: list[int] = []
    sups: list[str] = []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            codes.append(row["code"].strip())
            caps.append(int(row["capacity"]))
            sups.append((row.get("supervisor") or "").strip())
    return codes, caps, sups


def read_supervisors(path: str | Path) -> tuple[list[str], list[int]]:
    names: list[str] = []
    caps: list[int] = []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            names.append(row["name"].strip())
            caps.append(int(row["capacity"]))
    return names, caps


def read_students(
    path: str | Path, project_index: dict[str, int]
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Names, cohort ranks (missing = worst) and the padded choice matrix."""
    path = Path(path)
    names: list[str] = []
    ranks: list[float] = []
    flat: list[int] = []
    get = project_index.get
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        if len(header) < 2 or header[0].strip() != "name" or header[1].strip() != "rank":
            raise ValueError(f"{path}: header must start with name,rank")
        width = len(header) - 2
        blank = [""] * width
        for row in _progress_rows(path, reader, path.name):
            if not row:
                continue
            names.append(row[0].strip())
            r = row[1].strip()
            ranks.append(float(r) if r else float("inf"))
            cells = row[2 : 2 + width]
            if len(cells) < width:
                cells = cells + blank[len(cells) :]
            flat.extend(get(c.strip(), _UNKNOWN) if c.strip() else -1 for c in cells)
    choices = np.asarray(flat, dtype=np.int64).reshape(len(names), width)
    rank_arr = np.asarray(ranks, dtype=np.float64)
    # dense order: by rank, then file order; missing ranks last
    order = np.lexsort((np.arange(len(names)), rank_arr))
    student_rank = np.empty(len(names), dtype=np.int64)
    student_rank[order] = np.arange(len(names))
    return names, student_rank, choices


def load_instance(
    students: str | Path, projects: str | Path, supervisors: str | Path | None = None
) -> ArrayInstance:
    codes, caps, sup_of = read_projects(projects)
    project_index = {c: i for i, c in enumerate(codes)}
    if len(project_index) != len(codes):
        raise ValueError(f"{projects}: project codes must be unique")
    names, student_rank, choices = read_students(students, project_index)
    if len(set(names)) != len(names):
        raise ValueError(f"{students}: student names must be unique")
    psup = scap = None
    sup_names: list[str] | None = None
    if supervisors is not None:
        sup_names, sup_caps = read_supervisors(supervisors)
        sup_index = {n: i for i, n in enumerate(sup_names)}
        missing = sorted({s for s in sup_of if s and s not in sup_index})
        if missing:
            raise ValueError(f"{projects}: supervisors not in {supervisors}: {missing}")
        owner: list[int] = []
        all_caps = list(sup_caps)
        for code_cap, s in zip(caps, sup_of, strict=True):
            if s:
                owner.append(sup_index[s])
            else:  # a private supervisor that never binds
                owner.append(len(all_caps))
                all_caps.append(code_cap)
        psup = np.asarray(owner, dtype=np.int64)
        scap = np.asarray(all_caps, dtype=np.int64)
    return ArrayInstance.from_choices(
        choices,
        np.asarray(caps, dtype=np.int64),
        student_rank=student_rank,
        project_supervisor=psup,
        supervisor_capacity=scap,
        student_names=names,
        project_names=codes,
        supervisor_names=sup_names,
    )
