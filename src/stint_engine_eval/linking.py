"""`eval linking`: rank the ESCO labels for each annotated job-posting span.

Decorte et al. (2022) sets, in either of two layouts:

* ``sentence,span,sub_span,label``: rows are grouped by (sentence, span); the
  query is the span, or the sentence where the span is empty;
* ``sentence,label``: the sentence is the span (one short text per row).

A group's relevant set is its real labels (``UNDERSPECIFIED`` and ``LABEL NOT
PRESENT`` are skipped; groups left with none are not evaluated). Every label in
``--labels`` is ranked: our ESCO index scores the skills whose preferred label
it is; labels we do not hold rank last.

Three rankers are reported side by side, measured in the same run:
``baseline_tfidf`` (a plain character TF-IDF over the label list, the issue's
reference), ``lexical`` (our TF-IDF index over labels, alternative labels and
descriptions) and the engine itself (lexical and encoder fused), whose figures
are the top-level ``mrr`` and ``r_precision_at_5``.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from tqdm import tqdm

from stint_engine.taxonomy import Taxonomy
from stint_engine.text.index import normalise_all
from stint_engine.text.link import linking_index, skill_index
from stint_engine.text.tfidf import CharVectoriser

SKIP = {"UNDERSPECIFIED", "LABEL NOT PRESENT"}
PUBLISHED = {
    "source": "Decorte et al. 2022, skill linking over 13,895 ESCO labels",
    "note": "see docs/bench/engine_text.md for the published MRR / R-precision@5 context",
}


class AnnotationFormatError(ValueError):
    pass


def read_groups(path: str) -> list[tuple[str, set[str]]]:
    groups: dict[tuple[str, str], set[str]] = {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        columns = set(reader.fieldnames or ())
        if not {"sentence", "label"} <= columns:
            raise AnnotationFormatError(
                f"{path}: expected columns sentence,label or sentence,span,sub_span,label; "
                f"found {','.join(reader.fieldnames or ())}"
            )
        has_span = "span" in columns
        for row in reader:
            label = (row["label"] or "").strip()
            sentence = (row["sentence"] or "").strip()
            span = (row.get("span") or "").strip() if has_span else ""
            key = (sentence, span)
            groups.setdefault(key, set())
            if label and label not in SKIP:
                groups[key].add(label)
    return [(span or sentence, labels) for (sentence, span), labels in groups.items() if labels]


def _rank_metrics(
    scores: NDArray[np.float32], relevant: set[str], labels: Sequence[str]
) -> tuple[float, float]:
    order = np.lexsort((np.arange(len(labels)), -scores))
    first = None
    for r, i in enumerate(order, 1):
        if labels[i] in relevant:
            first = r
            break
    top5 = {labels[i] for i in order[:5]}
    return (1.0 / first if first else 0.0), len(top5 & relevant) / min(5, len(relevant))


def _evaluate(
    name: str,
    groups: list[tuple[str, set[str]]],
    labels: Sequence[str],
    score: Callable[[list[str]], NDArray[np.float32]],
) -> dict[str, float]:
    rr, rp5 = [], []
    batch = 64
    for lo in tqdm(range(0, len(groups), batch), desc=name, file=sys.stderr, leave=False):
        chunk = groups[lo : lo + batch]
        for row, (_, relevant) in zip(score([q for q, _ in chunk]), chunk, strict=True):
            a, b = _rank_metrics(row, relevant, labels)
            rr.append(a)
            rp5.append(b)
    return {
        "mrr": round(float(np.mean(rr)), 4) if rr else 0.0,
        "r_precision_at_5": round(float(np.mean(rp5)), 4) if rp5 else 0.0,
    }


def run_eval_linking(args: argparse.Namespace) -> dict[str, Any]:
    with open(args.labels, encoding="utf-8") as fh:
        labels = [line.strip() for line in fh if line.strip()]
    groups = read_groups(args.annotations)
    if args.limit is not None:
        groups = groups[: args.limit]
    tx = Taxonomy.load()
    lexical = skill_index(tx)
    engine = linking_index(tx)
    by_label: dict[str, int] = {}
    for i, sid in enumerate(lexical.ids):
        by_label.setdefault(tx.skills[sid].label, i)
    label_cols = np.array([by_label.get(label, -1) for label in labels])
    held = label_cols >= 0

    def over_labels(index_scores: Callable[[list[str]], NDArray[np.float32]]) -> Any:
        def score(queries: list[str]) -> NDArray[np.float32]:
            m = index_scores(queries)
            return np.where(held[None, :], m[:, np.maximum(label_cols, 0)], -1.0)

        return score

    char = CharVectoriser()
    label_m = char.fit_transform(normalise_all(labels)).T.tocsr()

    def baseline(queries: list[str]) -> NDArray[np.float32]:
        return (char.transform(normalise_all(queries)) @ label_m).toarray().astype(np.float32)

    base = _evaluate("baseline", groups, labels, baseline)
    lex = _evaluate("lexical", groups, labels, over_labels(lexical.scores))
    fused = _evaluate("engine", groups, labels, over_labels(engine.scores))
    return {
        "file": str(args.annotations),
        "n": len(groups),
        "labels": len(labels),
        "labels_in_our_taxonomy": int(held.sum()),
        "semantic": engine.semantic,
        "mrr": fused["mrr"],
        "r_precision_at_5": fused["r_precision_at_5"],
        "lexical": lex,
        "baseline_tfidf": base,
        "gain_over_baseline_mrr": round(fused["mrr"] - base["mrr"], 4),
        "published": PUBLISHED,
    }
