"""Train the extraction CRF on SkillSpan *train* splits only.

    .venv/bin/python -m stint_engine_eval.train_tagger            # fixed settings, ~1 min
    .venv/bin/python -m stint_engine_eval.train_tagger --cv 4     # grid search by k-fold CV

Writes ``stint_engine/data/extract_crf.crfsuite``. Each CoNLL sentence is
re-joined with single spaces and re-tokenised with the extractor's own
tokeniser, so training sees exactly what ``extract_skills`` sees; gold BIO
tags are projected onto those tokens. The dev splits are never read here.

Hyper-parameters (``C1``, ``C2``, ``MAX_ITER``) were chosen by 3-fold
cross-validation on the train splits (folds are contiguous blocks of
sentences, so one posting rarely straddles two folds); ``--cv`` re-runs that
search and prints each setting's mean strict span F1. Training is
deterministic: the same data and settings give the same model.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pycrfsuite

from stint_engine.taxonomy import Taxonomy
from stint_engine.text.conll import Sentence, bio_spans, read_conll
from stint_engine.text.crf import CRF_CTX_PATH, CRF_PATH, sentence_features
from stint_engine.text.extract import SkillDictionary, dictionary_features, lemma, tokenise
from stint_engine_eval.shared_data import shared_data

TRAIN_FILES = ("skillspan_house_train.conll", "skillspan_tech_train.conll")
C1 = 0.05
C2 = 0.1
MAX_ITER = 100
FEATURE_MINFREQ = 1
GRID = {"c1": (0.0, 0.05), "c2": (0.1, 0.3)}


Example = tuple[list[list[str]], list[str], set[tuple[int, int]]]


def project(sentence: Sentence) -> tuple[list[str], list[str], set[tuple[int, int]]]:
    """Our tokens of the re-joined sentence, their BIO tags, and the gold token spans.

    Where both layers tag a token the skill layer wins in the tags; the gold
    span set holds both layers' spans (as the evaluation counts them).
    """
    text = " ".join(sentence.tokens)
    owner: list[int] = []  # character -> CoNLL token
    for i, tok in enumerate(sentence.tokens):
        owner.extend([i] * len(tok))
        owner.append(-1)
    toks = tokenise(text)
    words = [t for t, _, _ in toks]
    src = [owner[a] for _, a, _ in toks]
    first: dict[int, int] = {}
    for j, i in enumerate(src):
        first.setdefault(i, j)
    tags: list[str] = []
    for j, i in enumerate(src):
        s, k = sentence.skill_tags[i], sentence.knowledge_tags[i]
        layer, tag = ("skill", s) if s != "O" else ("knowledge", k)
        if tag == "O":
            tags.append("O")
            continue
        begins = tag.startswith("B") and first[i] == j
        tags.append(("B-" if begins else "I-") + layer)
    for j, t in enumerate(tags):  # a stray I- (after O or the other kind) begins a span
        if t.startswith("I-") and (j == 0 or tags[j - 1][2:] != t[2:]):
            tags[j] = "B-" + t[2:]
    gold: set[tuple[int, int]] = set()
    last = {i: j for j, i in enumerate(src)}
    for layer_tags in (sentence.skill_tags, sentence.knowledge_tags):
        for a, b in bio_spans(layer_tags):
            gold.add((first[a], last[b - 1] + 1))
    return words, tags, gold


def examples(
    files: Sequence[Path], taxonomy: Taxonomy, classes: Sequence[Any] | None = None
) -> list[Example]:
    """Features, tags and gold spans per sentence; ``classes`` are the contextual
    token classes of the same sentences in the same order (``context_classes``)."""
    dictionary = SkillDictionary(taxonomy)
    out: list[Example] = []
    k = 0
    for f in files:
        for sent in read_conll(f):
            words, tags, gold = project(sent)
            if not words:
                continue
            lemmas = [lemma(w) for w in words]
            dtags, dlens = dictionary_features(dictionary.match(lemmas), len(words), taxonomy)
            cls = classes[k] if classes is not None else None
            k += 1
            out.append((sentence_features(words, dtags, dlens, cls), tags, gold))
    return out


def context_sentences(files: Sequence[Path]) -> list[tuple[str, list[tuple[int, int]]]]:
    """Each kept sentence as the extractor sees it: re-joined text, token spans."""
    out = []
    for f in files:
        for sent in read_conll(f):
            words, _, _ = project(sent)
            if not words:
                continue
            text = " ".join(sent.tokens)
            out.append((text, [(a, b) for _, a, b in tokenise(text)]))
    return out


def context_classes(files: Sequence[Path], build: bool) -> list[Any]:
    """Contextual classes of every train sentence; with ``build``, fit the codebooks
    on these train tokens first and write ``data/token_clusters.npz``."""
    import numpy as np

    from stint_engine.text import context
    from stint_engine.text import encoder as enc

    sents = context_sentences(files)
    model = enc.get_encoder()
    t0 = time.perf_counter()
    vectors: list[Any] = []
    step = 128
    for lo in range(0, len(sents), step):
        vectors.extend(context.token_vectors(model, sents[lo : lo + step]))
        print(
            f"\rencoding train tokens: {min(lo + step, len(sents))}/{len(sents)} sentences "
            f"({time.perf_counter() - t0:.0f} s)",
            end="",
            file=sys.stderr,
        )
    print(file=sys.stderr)
    if build:
        flat = np.concatenate([v[v.any(axis=1)] for v in vectors])
        books: dict[str, Any] = dict(context.fit_codebooks(flat))
        books["weights_sha256"] = np.array(enc.WEIGHTS_SHA256)
        np.savez_compressed(context.CLUSTERS_PATH, **books)
        print(f"codebooks on {len(flat)} tokens -> {context.CLUSTERS_PATH}", file=sys.stderr)
    return context.TokenClasses(encoder=model).classes_of(vectors)


def fit(data: Sequence[Example], out: Path, c1: float, c2: float, max_iter: int) -> None:
    trainer = pycrfsuite.Trainer(verbose=False)
    for feats, tags, _ in data:
        trainer.append(feats, tags)
    trainer.set_params(
        {
            "c1": c1,
            "c2": c2,
            "max_iterations": max_iter,
            "feature.minfreq": FEATURE_MINFREQ,
            "feature.possible_transitions": True,
        }
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out))


def spans_of(tags: Sequence[str]) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    i = 0
    while i < len(tags):
        if tags[i].startswith("B-"):
            j = i + 1
            while j < len(tags) and tags[j] == "I-" + tags[i][2:]:
                j += 1
            out.add((i, j))
            i = j
        else:
            i += 1
    return out


def span_f1(model: Path, data: Sequence[Example]) -> float:
    tagger = pycrfsuite.Tagger()
    tagger.open(str(model))
    tp = n_pred = n_gold = 0
    for feats, _, gold in data:
        pred = spans_of(tagger.tag(feats))
        tp += len(pred & gold)
        n_pred += len(pred)
        n_gold += len(gold)
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def cross_validate(data: Sequence[Example], k: int, max_iter: int, tmp: Path) -> list[dict]:
    folds = [list(range(len(data) * f // k, len(data) * (f + 1) // k)) for f in range(k)]
    results = []
    for c1, c2 in itertools.product(GRID["c1"], GRID["c2"]):
        scores = []
        t0 = time.perf_counter()
        for f, held in enumerate(folds):
            held_set = set(held)
            train = [d for i, d in enumerate(data) if i not in held_set]
            model = tmp / f"cv-{c1}-{c2}-{f}.crfsuite"
            fit(train, model, c1, c2, max_iter)
            scores.append(span_f1(model, [data[i] for i in held]))
            model.unlink()
        row = {
            "c1": c1,
            "c2": c2,
            "max_iter": max_iter,
            "f1_mean": round(sum(scores) / k, 4),
            "f1_folds": [round(s, 4) for s in scores],
            "seconds": round(time.perf_counter() - t0, 1),
        }
        print(json.dumps(row), file=sys.stderr, flush=True)
        results.append(row)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skillspan", type=Path, default=shared_data("skillspan"))
    parser.add_argument("--out", type=Path, default=CRF_PATH)
    parser.add_argument("--cv", type=int, default=0, help="k-fold grid search instead of training")
    parser.add_argument("--max-iter", type=int, default=MAX_ITER)
    parser.add_argument("--c1", type=float, default=C1)
    parser.add_argument("--c2", type=float, default=C2)
    parser.add_argument(
        "--context",
        action="store_true",
        help="add the encoder's contextual token classes (writes data/token_clusters.npz "
        "unless --reuse-codebooks) and train data/extract_crf_ctx.crfsuite",
    )
    parser.add_argument("--reuse-codebooks", action="store_true")
    args = parser.parse_args(argv)
    files = [args.skillspan / f for f in TRAIN_FILES]
    t0 = time.perf_counter()
    classes = None
    if args.context:
        classes = context_classes(files, build=not args.reuse_codebooks)
        if args.out == CRF_PATH:
            args.out = CRF_CTX_PATH
    data = examples(files, Taxonomy.load(), classes)
    print(
        f"{len(data)} sentences, {sum(len(d[1]) for d in data)} tokens "
        f"({time.perf_counter() - t0:.1f} s)",
        file=sys.stderr,
    )
    if args.cv:
        results = cross_validate(data, args.cv, args.max_iter, args.out.parent)
        best = max(results, key=lambda r: r["f1_mean"])
        print(json.dumps({"best": best}), file=sys.stderr)
        return 0
    fit(data, args.out, args.c1, args.c2, args.max_iter)
    print(
        json.dumps(
            {
                "model": str(args.out),
                "bytes": args.out.stat().st_size,
                "c1": args.c1,
                "c2": args.c2,
                "max_iter": args.max_iter,
                "seconds": round(time.perf_counter() - t0, 1),
            }
        ),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
