"""Choose title normalisation's query views and fusion weights on ESCO alone (issue 12).

Queries are alternative labels of the occupations the fine-tuned encoder held out
of training (``semantic.held_out_concepts``), dressed as vacancy titles by
``stint_engine_eval.title_noise`` (seniority, trainee, gender markers, places,
departments, ALL CAPS, abbreviations, typos). Each query's label, and every label
of the same occupation that reads the same once seniority words are dropped
("senior X" when "X" is hidden), is removed from the lexical index and masked in
the stored vectors, so the occupation must be found through its other labels and
its description. No evaluation file is read.

    .venv/bin/python scripts/choose_title_fusion.py [--rounds 4] [--seed 20261208]

The query is read as text.titles.title_scores reads it (full view and best segment).
Prints accuracy@1 / accuracy@5 / MRR for the previous method (old cleaning, fused
as text.hybrid does) and for each grid point, and the best by accuracy@5 (ties: MRR).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from typing import Any

import numpy as np
from numpy.typing import NDArray

from stint_engine.taxonomy import Taxonomy
from stint_engine.text import semantic
from stint_engine.text.hybrid import DESCRIPTION_WEIGHT, LEXICAL_WEIGHT
from stint_engine.text.index import SurfaceIndex
from stint_engine.text.titles import (
    TitleWeights,
    clean_title,
    fuse_channels,
    occupation_index,
    pick_segments,
    title_segments,
)
from stint_engine_eval.title_noise import noisy_title

_OLD_NOISE = re.compile(
    r"\b(junior|jr|senior|sr|lead|head|trainee|intern|internship|graduate|entry level|"
    r"apprentice|apprenticeship|student|working student|part time|full time|part-time|"
    r"full-time|temporary|temp|contract|freelance|remote|hybrid|m/f/d|m/w/d|f/m/d|h/f|"
    r"m/f|f/m|all genders|w/m/d|d/f/m|[ivx]+|\d+)\b",
    re.IGNORECASE,
)


def old_clean(title: str) -> str:
    """clean_title before issue 12's normaliser, for the comparison row."""
    cleaned = " ".join(_OLD_NOISE.sub(" ", re.sub(r"[()\[\]|,;:/-]+", " ", title)).split())
    return cleaned or title


_SENIORITY = re.compile(r"\b(senior|junior|graduate|trainee|apprentice|chief|lead|head)\b")


def core(label: str) -> str:
    return " ".join(_SENIORITY.sub(" ", clean_title(label).lower()).split())


Channels = tuple[NDArray[np.float32], NDArray[np.float32], NDArray[np.float32]]


def build_round(tx: Taxonomy, rng: random.Random) -> tuple[list[str], list[str], dict[str, Any]]:
    """One round: (queries, gold occupation ids, a scorer for texts with the hidden labels out)."""
    owners, texts = semantic.SURFACES["occupation"](tx)
    rows_of: dict[str, list[int]] = {}
    for i, o in enumerate(owners):
        rows_of.setdefault(o, []).append(i)
    held = semantic.held_out_concepts(tx)
    chosen = sorted(o for o in held if o in rows_of and len(rows_of[o]) >= 2)
    queries, gold, hidden = [], [], set()
    for o in chosen:
        r = rng.choice(rows_of[o])
        same = {i for i in rows_of[o] if core(texts[i]) == core(texts[r])}
        if len(same) >= len(rows_of[o]):  # every label reads the same: nothing left to find
            continue
        hidden |= same
        queries.append(noisy_title(texts[r], rng))
        gold.append(o)
    keep = [i for i in range(len(owners)) if i not in hidden]
    lexical = SurfaceIndex([owners[i] for i in keep], [texts[i] for i in keep], char_weight=0.5)
    return queries, gold, {"lexical": lexical, "hidden": np.array(sorted(hidden))}


def channels(
    texts: list[str], tx: Taxonomy, lexical: SurfaceIndex, hidden: NDArray[np.int64]
) -> Channels:
    index = occupation_index(tx)
    vectors = index.vectors
    assert vectors is not None, "the encoder vectors are needed to choose the fusion"
    lex = lexical.scores(texts)
    q = index.encode(texts)
    sims = vectors.similarities(q)
    sims[:, hidden] = -1.0
    best = np.maximum.reduceat(sims, vectors.starts, axis=1)
    position = {o: j for j, o in enumerate(vectors.ids)}
    sem = np.clip(best[:, [position[o] for o in lexical.ids]], 0.0, 1.0)
    desc_ids, desc_rows = semantic.load_descriptions(tx)
    where = {o: j for j, o in enumerate(desc_ids)}
    desc = np.clip((q @ desc_rows.T)[:, [where[o] for o in lexical.ids]], 0.0, 1.0)
    return lex.astype(np.float32), sem.astype(np.float32), desc.astype(np.float32)


def metrics(scores: NDArray[np.float32], gold: NDArray[np.int64]) -> dict[str, float]:
    mine = scores[np.arange(len(gold)), gold]
    rank = (scores > mine[:, None]).sum(axis=1) + 1
    return {
        "accuracy_at_1": round(float((rank == 1).mean()), 4),
        "accuracy_at_5": round(float((rank <= 5).mean()), 4),
        "mrr": round(float((1.0 / rank).mean()), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seed", type=int, default=20261208)
    args = parser.parse_args()
    tx = Taxonomy.load()
    rng = random.Random(args.seed)
    old_parts, text_parts, golds, examples = [], [], [], []
    full_rows: list[int] = []
    segment_rows: list[list[int]] = []
    offset = 0
    for r in range(args.rounds):
        queries, gold, ctx = build_round(tx, rng)
        col = {o: j for j, o in enumerate(ctx["lexical"].ids)}
        golds.append(np.array([col[g] for g in gold]))
        examples += [(q, tx.occupations[g].label) for q, g in zip(queries[:5], gold, strict=False)]
        lexical, hidden = ctx["lexical"], ctx["hidden"]
        old_parts.append(channels([old_clean(q) for q in queries], tx, lexical, hidden))
        # as text.titles.title_scores: the full view and every segment, each read once
        full = [clean_title(q) for q in queries]
        segments = [title_segments(q) for q in queries]
        texts = list(dict.fromkeys([*full, *(s for segs in segments for s in segs)]))
        row = {t: offset + i for i, t in enumerate(texts)}
        full_rows += [row[t] for t in full]
        segment_rows += [[row[s] for s in segs] for segs in segments]
        offset += len(texts)
        text_parts.append(channels(texts, tx, lexical, hidden))
        print(f"round {r + 1}/{args.rounds}: {len(queries)} queries", file=sys.stderr)

    def stack(parts: list[Channels]) -> Channels:
        return tuple(np.vstack([p[i] for p in parts]) for i in range(3))  # type: ignore[return-value]

    old, every = stack(old_parts), stack(text_parts)
    gold = np.concatenate(golds)
    previous = TitleWeights(LEXICAL_WEIGHT["occupation"], DESCRIPTION_WEIGHT["occupation"], 0.0)
    out: dict[str, Any] = {
        "n": len(gold),
        "examples": examples[:12],
        "previous (old cleaning, text.hybrid weights)": metrics(
            fuse_channels(*old, previous), gold
        ),
        "lexical only, old cleaning": metrics(old[0], gold),
    }
    grid = []
    for wl in (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4):
        for wd in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6):
            if wl + wd > 0.8:
                continue
            scored = fuse_channels(*every, TitleWeights(wl, wd, 0.0))
            for wh in (0.0, 0.25, 0.5, 0.75, 1.0):
                m = metrics(pick_segments(scored, full_rows, segment_rows, wh), gold)
                grid.append({"lexical": wl, "description": wd, "head": wh, **m})
    lexical_grid = []
    for wh in (0.0, 0.25, 0.5, 0.75, 1.0):
        m = metrics(pick_segments(every[0], full_rows, segment_rows, wh), gold)
        lexical_grid.append({"head": wh, **m})
    key = lambda g: (g["accuracy_at_5"], g["mrr"])  # noqa: E731
    out["best"] = max(grid, key=key)
    out["best_lexical_fallback"] = max(lexical_grid, key=key)
    out["lexical_fallback_grid"] = lexical_grid
    out["top_10"] = sorted(grid, key=key, reverse=True)[:10]
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
