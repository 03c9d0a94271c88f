"""`eval explore`: is the occupation a posting is mapped to one a careers adviser would call plausible?

``--set`` is a JSON-lines file (``bench/data/explore/postings.jsonl``): per posting a
``title``, a ``description``, ``skill_ids`` and ``plausible``, the ESCO occupations
(``id``, ``label``) judged plausible before any method output was seen. Reports the
share of postings whose top occupation is plausible (``plausible_at_1``) and whose
top three hold one (``plausible_at_3``), for the engine (title + description +
skills, ``text.occupations``) and, in the same run, for title normalisation alone
(what explore mode used before).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from stint_engine.taxonomy import Taxonomy
from stint_engine.text.occupations import kind, occupation_of_posting
from stint_engine.text.titles import normalise_title


def read_set(path: str | Path) -> list[dict[str, Any]]:
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            rows.append(json.loads(line))
    return rows


def _score(
    rows: Sequence[dict[str, Any]], top: Callable[[dict[str, Any]], list[str]]
) -> tuple[dict[str, float], list[list[str]]]:
    at1 = at3 = 0
    tops = []
    for row in rows:
        ids = top(row)
        plausible = {o["id"] for o in row["plausible"]}
        at1 += bool(ids[:1]) and ids[0] in plausible
        at3 += any(i in plausible for i in ids[:3])
        tops.append(ids[:3])
    n = len(rows) or 1
    return {
        "plausible_at_1": round(at1 / n, 4),
        "plausible_at_3": round(at3 / n, 4),
    }, tops


def evaluate(rows: Sequence[dict[str, Any]], tx: Taxonomy) -> dict[str, Any]:
    engine, engine_tops = _score(
        rows,
        lambda r: [
            o.id
            for o, _, _ in occupation_of_posting(
                r["title"], r["description"], r["skill_ids"], tx, k=3
            )
        ],
    )
    title, _ = _score(
        rows, lambda r: [o.id for o, _ in normalise_title(r["title"], k=3, taxonomy=tx)]
    )
    misses = [
        {
            "id": r["id"],
            "title": r["title"],
            "top": [tx.occupations[i].label for i in tops],
        }
        for r, tops in zip(rows, engine_tops, strict=True)
        if not tops or tops[0] not in {o["id"] for o in r["plausible"]}
    ]
    return {
        "n": len(rows),
        "index": kind(tx),
        **engine,
        "title_only": title,
        "misses": misses,
    }


def run_eval_explore(args: argparse.Namespace) -> dict[str, Any]:
    rows = read_set(args.set)
    if args.limit is not None:
        rows = rows[: args.limit]
    return evaluate(rows, Taxonomy.load())
