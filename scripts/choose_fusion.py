"""Choose the lexical share of hybrid retrieval on a task built from ESCO alone.

For a fixed-seed sample of concepts, one alternative label is hidden from both
the lexical index and the stored vectors and used as the query; the concept it
belongs to must rank first. No evaluation file is read, so the weight chosen
here can be checked honestly on the shared dev files and the sealed sets.

    .venv/bin/python scripts/choose_fusion.py [--sample 1500] [--descriptions]

Prints MRR and accuracy@5 per weight for skills and occupations, and the best.
When a fine-tuned encoder ships (scripts/train_encoder.py), only the concepts it
held out of training are sampled: it has seen the others' labels paired, which
would flatter the encoder's share.
``--descriptions`` adds, for occupations, the encoder's similarity to the first
sentence of each ESCO description as a third channel and searches its share too.
"""

from __future__ import annotations

import argparse
import json
import random
import sys

import numpy as np

from stint_engine.taxonomy import Taxonomy
from stint_engine.text import encoder, semantic
from stint_engine.text.index import SurfaceIndex

WEIGHTS = [round(w, 2) for w in np.linspace(0.0, 1.0, 11)]


def _candidates(tx: Taxonomy, rows_of: dict[str, list[int]]) -> list[str]:
    """Concepts with an alternative label to hide; only held-out ones after fine-tuning."""
    held = semantic.held_out_concepts(tx) if encoder.LINKING_FILE.exists() else None
    return sorted(
        o for o, rows in rows_of.items() if len(rows) >= 2 and (held is None or o in held)
    )


def run(kind: str, tx: Taxonomy, sample: int, seed: int) -> dict[str, object]:
    owners, texts = semantic.SURFACES[kind](tx)
    vectors = semantic.load(kind, tx)
    rows_of: dict[str, list[int]] = {}
    for i, o in enumerate(owners):
        rows_of.setdefault(o, []).append(i)
    candidates = _candidates(tx, rows_of)
    rng = random.Random(seed)
    chosen = rng.sample(candidates, min(sample, len(candidates)))
    hidden = {o: rng.choice(rows_of[o][1:]) for o in chosen}  # an alternative label
    hidden_rows = set(hidden.values())
    keep = [i for i in range(len(owners)) if i not in hidden_rows]
    lexical = SurfaceIndex(
        [owners[i] for i in keep],
        [texts[i] for i in keep],
        tx.descriptions if kind == "skill" else None,
        char_weight=0.5,
    )
    col = {o: j for j, o in enumerate(lexical.ids)}
    position = {o: j for j, o in enumerate(vectors.ids)}
    sem_col = np.array([position[o] for o in lexical.ids])
    ranks: dict[float, list[int]] = {w: [] for w in WEIGHTS}
    batch = 128
    items = list(hidden.items())
    for lo in range(0, len(items), batch):
        chunk = items[lo : lo + batch]
        lex = lexical.scores([texts[r] for _, r in chunk])
        q = (
            vectors.q[[r for _, r in chunk]].astype(np.float32)
            * vectors.scale[[r for _, r in chunk], None]
        )
        sims = vectors.similarities(q)
        for i, (_, r) in enumerate(chunk):
            sims[i, r] = -1.0  # the hidden label itself is not in the index
        best = np.maximum.reduceat(sims, vectors.starts, axis=1)  # as LabelVectors.owner_best
        sem = np.clip(best[:, sem_col], 0.0, 1.0)
        for w in WEIGHTS:
            fused = w * lex + (1 - w) * sem
            for i, (owner, _) in enumerate(chunk):
                j = col[owner]
                ranks[w].append(int((fused[i] > fused[i, j]).sum()) + 1)
        print(f"\r{kind}: {lo + len(chunk)}/{len(items)}", end="", file=sys.stderr)
    print(file=sys.stderr)
    table = {
        str(w): {
            "mrr": round(float(np.mean([1 / r for r in rs])), 4),
            "accuracy_at_5": round(float(np.mean([r <= 5 for r in rs])), 4),
        }
        for w, rs in ranks.items()
    }
    best_w = max(WEIGHTS, key=lambda w: table[str(w)]["mrr"])
    return {"n": len(items), "by_lexical_weight": table, "best_lexical_weight": best_w}


def run_descriptions(tx: Taxonomy, sample: int, seed: int) -> dict[str, object]:
    """Occupations with three channels: lexical, label vectors, description vectors."""
    owners, texts = semantic.SURFACES["occupation"](tx)
    vectors = semantic.load("occupation", tx)
    desc_ids, desc_rows = semantic.load_descriptions(tx)
    rows_of: dict[str, list[int]] = {}
    for i, o in enumerate(owners):
        rows_of.setdefault(o, []).append(i)
    candidates = _candidates(tx, rows_of)
    rng = random.Random(seed)
    chosen = rng.sample(candidates, min(sample, len(candidates)))
    hidden = {o: rng.choice(rows_of[o][1:]) for o in chosen}
    hidden_rows = set(hidden.values())
    keep = [i for i in range(len(owners)) if i not in hidden_rows]
    lexical = SurfaceIndex([owners[i] for i in keep], [texts[i] for i in keep], char_weight=0.5)
    col = {o: j for j, o in enumerate(lexical.ids)}
    position = {o: j for j, o in enumerate(vectors.ids)}
    sem_col = np.array([position[o] for o in lexical.ids])
    desc_position = {o: j for j, o in enumerate(desc_ids)}
    desc_col = np.array([desc_position[o] for o in lexical.ids])
    items = list(hidden.items())
    lex_parts, sem_parts, desc_parts = [], [], []
    for lo in range(0, len(items), 128):
        chunk = items[lo : lo + 128]
        rows = [r for _, r in chunk]
        lex_parts.append(lexical.scores([texts[r] for r in rows]))
        q = vectors.q[rows].astype(np.float32) * vectors.scale[rows, None]
        sims = vectors.similarities(q)
        sims[np.arange(len(rows)), rows] = -1.0  # the hidden label itself is not indexed
        best = np.maximum.reduceat(sims, vectors.starts, axis=1)[:, sem_col]
        sem_parts.append(np.clip(best, 0.0, 1.0))
        desc_parts.append(np.clip((q @ desc_rows.T)[:, desc_col], 0.0, 1.0))
    lex, sem, desc = np.vstack(lex_parts), np.vstack(sem_parts), np.vstack(desc_parts)
    gold = np.array([col[o] for o, _ in items])
    table = {}
    for wd in (0.0, 0.1, 0.2, 0.3, 0.4):
        for wl in (0.1, 0.2):
            fused = wl * lex + wd * desc + (1 - wl - wd) * sem
            ranks = (fused > fused[np.arange(len(gold)), gold][:, None]).sum(1) + 1
            table[f"lexical {wl}, description {wd}"] = {
                "mrr": round(float(np.mean(1 / ranks)), 4),
                "accuracy_at_5": round(float(np.mean(ranks <= 5)), 4),
            }
    best_key = max(table, key=lambda k: table[k]["mrr"])
    return {"n": len(items), "by_weights": table, "best": best_key}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--descriptions", action="store_true")
    args = parser.parse_args()
    tx = Taxonomy.load()
    if args.descriptions:
        print(json.dumps(run_descriptions(tx, args.sample, args.seed), indent=1))
        return
    out = {kind: run(kind, tx, args.sample, args.seed) for kind in semantic.KINDS}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
