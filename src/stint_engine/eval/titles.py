"""`eval titles`: rank ESCO occupations for real vacancy titles.

``--titles`` is a gzip (or plain) CSV with ``vacancyTitle`` and ``conceptUri``
(the ESCO occupation). accuracy@1, accuracy@5 and MRR over all occupations.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import sys
from typing import Any

import numpy as np
from tqdm import tqdm

from stint_engine.taxonomy import Taxonomy
from stint_engine.text.titles import clean_title, title_index

PUBLISHED = {
    "source": "JobBERT evaluation set (Decorte et al. 2021)",
    "note": "the shared README gives no reference figure for title normalisation",
}


def read_titles(path: str) -> list[tuple[str, str]]:
    raw = open(path, "rb").read()  # noqa: SIM115
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    rows = csv.DictReader(io.StringIO(raw.decode("utf-8")))
    return [(r["vacancyTitle"], r["conceptUri"].rstrip("/").rsplit("/", 1)[-1]) for r in rows]


def run_eval_titles(args: argparse.Namespace) -> dict[str, Any]:
    items = read_titles(args.titles)
    if args.limit is not None:
        items = items[: args.limit]
    tx = Taxonomy.load()
    index = title_index(tx)
    col = {oid: i for i, oid in enumerate(index.ids)}
    rr, at1, at5, missing = [], 0, 0, 0
    batch = 256
    for lo in tqdm(range(0, len(items), batch), desc="titles", file=sys.stderr, leave=False):
        chunk = items[lo : lo + batch]
        scores = index.scores([clean_title(t) for t, _ in chunk])
        for row, (_, gold) in zip(scores, chunk, strict=True):
            j = col.get(gold)
            if j is None:
                missing += 1
                rr.append(0.0)
                continue
            # ties are broken by index order, as `top` does
            rank = int((row > row[j]).sum()) + int((row[:j] == row[j]).sum()) + 1
            rr.append(1.0 / rank)
            at1 += rank == 1
            at5 += rank <= 5
    n = len(rr)
    return {
        "file": str(args.titles),
        "n": n,
        "gold_occupation_unknown": missing,
        "accuracy_at_1": round(at1 / n, 4) if n else 0.0,
        "accuracy_at_5": round(at5 / n, 4) if n else 0.0,
        "mrr": round(float(np.mean(rr)), 4) if n else 0.0,
        "published": PUBLISHED,
    }
