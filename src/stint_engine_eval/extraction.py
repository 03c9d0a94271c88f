"""`eval extraction`: strict span precision/recall/F1 on SkillSpan CoNLL files.

Each sentence's tokens are joined with single spaces and given to
``extract_skills``; a predicted span counts only if its character offsets equal
a gold span's exactly. "overall" treats the skill and knowledge layers as one
set of gold spans; the per-layer figures compare the tagger's layer with each
gold layer. The default tagger is scored as before; the other one (the fine-tuned encoder of
``text.tagger``, or the CRF when the fine-tuned one is enabled) is scored in the
same run as ``fine_tuned_tagger`` (or ``crf_baseline``).
``tagged_spans_before_linking`` scores the tagger's spans before the linker drops
those tied to no skill.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from tqdm import tqdm

from stint_engine.text.conll import Sentence, bio_spans, read_conll
from stint_engine.text.extract import Extractor, extractor

PUBLISHED = {
    "green_et_al_2022_crf_strict_span_micro_f1": 0.326,
    "green_et_al_2022_crf_skills_f1": 0.247,
    "skillspan_best_published_span_f1_range": [0.56, 0.62],
    "note": "published SkillSpan figures are on the HOUSE/TECH test splits; ours on the given file",
}


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def run_eval_extraction(args: argparse.Namespace) -> dict[str, Any]:
    sentences = read_conll(args.conll)
    if args.limit is not None:
        sentences = sentences[: args.limit]
    ex = extractor()
    result = score(ex, sentences)
    result["file"] = str(args.conll)
    result["tagger"] = "fine-tuned encoder" if ex.token_tagger is not None else "crf"
    keys = ("overall", "skill", "knowledge", "tagged_spans_before_linking", "seconds")
    if ex.token_tagger is not None:
        # the CRF in the same run, as the baseline the fine-tuned tagger replaces
        crf = score(Extractor(ex.taxonomy, fine_tuned=False), sentences)
        result["crf_baseline"] = {k: crf[k] for k in keys}
    else:
        other = Extractor(ex.taxonomy, fine_tuned=True)
        if other.token_tagger is not None:
            # the fine-tuned tagger (off by default) in the same run, for comparison
            tuned = score(other, sentences)
            result["fine_tuned_tagger"] = {k: tuned[k] for k in keys}
    result["published"] = PUBLISHED
    return result


def score(ex: Extractor, sentences: list[Sentence]) -> dict[str, Any]:
    """Strict span P/R/F1 of one extractor on the sentences, and its speed."""
    counts = {k: [0, 0, 0] for k in ("overall", "skill", "knowledge")}  # tp, pred, gold
    raw = [0, 0, 0]  # the tagger's spans before linking (a span with no skill is dropped)
    started = time.perf_counter()
    for sent in tqdm(sentences, desc="extraction", file=sys.stderr, leave=False):
        offsets, pos = [], 0
        for tok in sent.tokens:
            offsets.append((pos, pos + len(tok)))
            pos += len(tok) + 1
        text = " ".join(sent.tokens)

        def chars(spans: set[tuple[int, int]]) -> set[tuple[int, int]]:
            return {(offsets[a][0], offsets[b - 1][1]) for a, b in spans}  # noqa: B023

        gold = {
            "skill": chars(bio_spans(sent.skill_tags)),
            "knowledge": chars(bio_spans(sent.knowledge_tags)),
        }
        gold["overall"] = gold["skill"] | gold["knowledge"]
        toks, lemmas, spans = ex.spans(text)
        found = ex.link_spans(toks, lemmas, spans)
        tagged = {(toks[a][1], toks[b - 1][2]) for a, b, _, _, _ in spans}
        raw[0] += len(tagged & gold["overall"])
        raw[1] += len(tagged)
        raw[2] += len(gold["overall"])
        pred: dict[str, set[tuple[int, int]]] = {"skill": set(), "knowledge": set()}
        for mention, layer in found:
            pred[layer].add((mention.start, mention.end))
        pred["overall"] = pred["skill"] | pred["knowledge"]
        for key, c in counts.items():
            c[0] += len(pred[key] & gold[key])
            c[1] += len(pred[key])
            c[2] += len(gold[key])
    elapsed = time.perf_counter() - started
    result: dict[str, Any] = {"n": len(sentences)}
    for key, (tp, n_pred, n_gold) in counts.items():
        result[key] = {**prf(tp, n_pred, n_gold), "gold": n_gold, "predicted": n_pred}
    tp, n_pred, n_gold = raw
    result["tagged_spans_before_linking"] = {
        **prf(tp, n_pred, n_gold),
        "gold": n_gold,
        "predicted": n_pred,
    }
    result["seconds"] = round(elapsed, 2)
    result["sentences_per_second"] = round(len(sentences) / max(elapsed, 1e-9), 1)
    return result
