"""Extraction speed: ~300-word postings per second on one core, with baselines.

The postings are real job-posting text: SkillSpan *train* sentences (tokens
re-joined) packed into ~300-word documents. The job_skills_2024 sample holds
only skill lists, no posting text, so it is not used. Baseline, same process:
one compiled case-insensitive regex per dictionary surface form, run over a
subset of the surfaces and scaled to all of them. Also: taxonomy load time
from a cold cache, first-use build time of the extractor, and the cold start
of each public text call: the first ``extract_skills`` / ``link_skill`` /
``normalise_title`` in a fresh Python process (after import), wall and CPU.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import time
from typing import Any

from stint_engine.taxonomy import Taxonomy
from stint_engine.text.conll import read_conll
from stint_engine.text.extract import Extractor, tokenise
from stint_engine_eval.shared_data import has_shared_data, shared_data


def postings(n: int, words: int = 300) -> list[str]:
    if has_shared_data():
        sentences = [
            " ".join(s.tokens)
            for f in ("skillspan_tech_train.conll", "skillspan_house_train.conll")
            for s in read_conll(shared_data("skillspan", f))
        ]
    else:  # synthetic: skill labels in filler sentences
        tx = Taxonomy.load()
        labels = [s.label for s in list(tx.skills.values())[:5000]]
        sentences = [
            f"You will {a} and know {b} in our team ." for a, b in itertools.pairwise(labels)
        ]
    docs: list[str] = []
    cur: list[str] = []
    count = i = 0
    while len(docs) < n:
        s = sentences[i % len(sentences)]
        i += 1
        cur.append(s)
        count += len(s.split())
        if count >= words:
            docs.append(" ".join(cur))
            cur, count = [], 0
    return docs


_COLD = """
import json, time
from stint_engine.text import extract_skills, link_skill, normalise_title
w, c = time.perf_counter(), time.process_time()
{call}
print(json.dumps([time.perf_counter() - w, time.process_time() - c]))
"""
COLD_CALLS = {
    "extract_skills": "extract_skills('Experience with Python and SQL.')",
    "link_skill": "link_skill('python')",
    "normalise_title": "normalise_title('junior data analyst')",
}


def cold_start() -> dict[str, dict[str, float]]:
    """First call of each public function in a fresh process: wall and CPU seconds."""
    out: dict[str, dict[str, float]] = {}
    for name, call in COLD_CALLS.items():
        res = subprocess.run(  # noqa: S603 - our own interpreter and fixed code
            [sys.executable, "-c", _COLD.format(call=call)],
            capture_output=True,
            text=True,
            check=True,
        )
        wall, cpu = json.loads(res.stdout.strip().splitlines()[-1])
        out[name] = {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2)}
    return out


def run(quick: bool) -> dict[str, Any]:
    from stint_engine.taxonomy import model as taxonomy_module

    taxonomy_module._cache.clear()
    t0 = time.perf_counter()
    tx = Taxonomy.load()
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    ex = Extractor(tx)
    build_s = time.perf_counter() - t0
    docs = postings(100 if quick else 1000)
    avg_words = sum(len(d.split()) for d in docs) / len(docs)
    ex.extract(docs[0])
    t0 = time.perf_counter()
    mentions = sum(len(ex.extract(d)) for d in docs)
    ours_s = time.perf_counter() - t0

    # baseline: naive regex per surface form over a subset, scaled to the full dictionary
    surfaces = sorted(
        {
            text
            for s in tx.skills.values()
            for text in (s.label, *s.alt_labels)
            if len(tokenise(text)) > 0
        }
    )
    subset = surfaces[:: max(1, len(surfaces) // (200 if quick else 1000))]
    patterns = [re.compile(r"\b" + re.escape(text) + r"\b", re.IGNORECASE) for text in subset]
    base_docs = docs[: 20 if quick else 50]
    t0 = time.perf_counter()
    for d in base_docs:
        for p in patterns:
            p.search(d)
    base_s = (time.perf_counter() - t0) * (len(surfaces) / len(subset))
    ours_pps = len(docs) / ours_s
    base_pps = len(base_docs) / base_s
    return {
        "postings": len(docs),
        "avg_words_per_posting": round(avg_words, 1),
        "extract_skills_postings_per_s": round(ours_pps, 1),
        "mentions_per_posting": round(mentions / len(docs), 1),
        "baseline": "one regex per surface form (naive dictionary scan)",
        "baseline_surfaces": len(surfaces),
        "baseline_postings_per_s": round(base_pps, 2),
        "speedup": round(ours_pps / base_pps, 1),
        "taxonomy_load_s": round(load_s, 3),
        "extractor_first_use_build_s": round(build_s, 2),
        "cold_start_first_call": cold_start(),
    }
