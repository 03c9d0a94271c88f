"""`eval linking`: rank the ESCO labels for each annotated job-posting span.

Decorte et al. (2022) sets: rows ``sentence,span,sub_span,label``. Rows are
grouped by (sentence, span); a group's relevant set is its real labels
(``UNDERSPECIFIED`` and ``LABEL NOT PRESENT`` are skipped; groups left with
none are not evaluated). The query is the span, or the sentence where the
span is empty. Every label in ``--labels`` is ranked: our ESCO index scores
the skills whose preferred label it is; labels we do not hold rank last.
"""

from __future__ import annotations

import argparse
import csv
import sys
from typing import Any

import numpy as np
from tqdm import tqdm

from stint_engine.taxonomy import Taxonomy
from stint_engine.text.link import skill_index

SKIP = {"UNDERSPECIFIED", "LABEL NOT PRESENT"}
PUBLISHED = {
    "source": "Decorte et al. 2022, skill linking over 13,895 ESCO labels",
    "note": "see docs/bench/engine_text.md for the published MRR / R-precision@5 context",
}


def read_groups(path: str) -> list[tuple[str, set[str]]]:
    groups: dict[tuple[str, str], set[str]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            label = row["label"].strip()
            key = (row["sentence"].strip(), row["span"].strip())
            groups.setdefault(key, set())
            if label and label not in SKIP:
                groups[key].add(label)
    return [(span or sentence, labels) for (sentence, span), labels in groups.items() if labels]


def run_eval_linking(args: argparse.Namespace) -> dict[str, Any]:
    with open(args.labels, encoding="utf-8") as fh:
        labels = [line.strip() for line in fh if line.strip()]
    groups = read_groups(args.annotations)
    if args.limit is not None:
        groups = groups[: args.limit]
    tx = Taxonomy.load()
    index = skill_index(tx)
    by_label: dict[str, int] = {}
    for i, sid in enumerate(index.ids):
        by_label.setdefault(tx.skills[sid].label, i)
    label_cols = np.array([by_label.get(label, -1) for label in labels])
    held = label_cols >= 0
    rr, rp5 = [], []
    batch = 64
    for lo in tqdm(range(0, len(groups), batch), desc="linking", file=sys.stderr, leave=False):
        chunk = groups[lo : lo + batch]
        scores = index.scores([q for q, _ in chunk])
        for row, (_, relevant) in zip(scores, chunk, strict=True):
            label_scores = np.where(held, row[np.maximum(label_cols, 0)], -1.0)
            order = np.lexsort((np.arange(len(labels)), -label_scores))
            ranked = [labels[i] for i in order]
            first = next((r for r, lab in enumerate(ranked, 1) if lab in relevant), None)
            rr.append(1.0 / first if first else 0.0)
            top5 = set(ranked[:5])
            rp5.append(len(top5 & relevant) / min(5, len(relevant)))
    return {
        "file": str(args.annotations),
        "n": len(rr),
        "labels": len(labels),
        "labels_in_our_taxonomy": int(held.sum()),
        "mrr": round(float(np.mean(rr)), 4) if rr else 0.0,
        "r_precision_at_5": round(float(np.mean(rp5)), 4) if rp5 else 0.0,
        "published": PUBLISHED,
    }
