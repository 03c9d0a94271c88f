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
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray
from tqdm import tqdm

from stint_engine.taxonomy import Taxonomy
from stint_engine.text.index import normalise_all
from stint_engine.text.tfidf import CharVectoriser
from stint_engine.text.titles import (
    TITLE_WEIGHTS,
    occupation_index,
    title_index,
    title_scores,
)

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


def _evaluate(
    name: str,
    items: list[tuple[str, str]],
    col: dict[str, int],
    score: Callable[[list[str]], NDArray[np.float32]],
) -> dict[str, Any]:
    rr, at1, at5, missing = [], 0, 0, 0
    batch = 256
    for lo in tqdm(range(0, len(items), batch), desc=name, file=sys.stderr, leave=False):
        chunk = items[lo : lo + batch]
        scores = score([t for t, _ in chunk])
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
        "gold_occupation_unknown": missing,
        "accuracy_at_1": round(at1 / n, 4) if n else 0.0,
        "accuracy_at_5": round(at5 / n, 4) if n else 0.0,
        "mrr": round(float(np.mean(rr)), 4) if n else 0.0,
    }


def run_eval_titles(args: argparse.Namespace) -> dict[str, Any]:
    """The engine (``text.titles.title_scores``: cleaned full and head views, lexical,
    label-vector and description-vector channels fused) beside our lexical index
    alone (same views) and a plain character TF-IDF over the occupations' preferred
    labels, in one run."""
    items = read_titles(args.titles)
    if args.limit is not None:
        items = items[: args.limit]
    tx = Taxonomy.load()
    lexical = title_index(tx)
    engine = occupation_index(tx)
    col = {oid: i for i, oid in enumerate(lexical.ids)}
    char = CharVectoriser()
    label_m = char.fit_transform(normalise_all([tx.occupations[o].label for o in lexical.ids]))
    label_t = label_m.T.tocsr()

    def baseline(titles: list[str]) -> NDArray[np.float32]:
        return (char.transform(normalise_all(titles)) @ label_t).toarray().astype(np.float32)

    def lexical_views(titles: list[str]) -> NDArray[np.float32]:
        # the lexical fallback as title_scores reads it (no vectors)
        return title_scores(titles, tx, TITLE_WEIGHTS["lexical"], lexical_only=True)

    assert list(engine.ids) == list(lexical.ids)  # title_scores' columns are col's
    base = _evaluate("baseline", items, col, baseline)
    lex = _evaluate("lexical", items, col, lexical_views)
    fused = _evaluate("engine", items, col, lambda titles: title_scores(titles, tx))
    return {
        "file": str(args.titles),
        "n": len(items),
        "semantic": engine.semantic,
        **fused,
        "lexical": lex,
        "baseline_tfidf": base,
        "published": PUBLISHED,
    }
