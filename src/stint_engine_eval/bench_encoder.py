"""The sentence encoder: cold start, memory, encodings per second, query latency.

Cold start and memory are measured in a fresh Python process (import, load and
check the weights, first encoding; resident memory before and after). Speed is
measured here on ESCO labels (short phrases, as linking queries are) and on
job-posting-length sentences. Baseline in the same process: the lexical index
alone for the same linking queries, beside the hybrid (lexical + encoder).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

import numpy as np

from stint_engine.taxonomy import Taxonomy
from stint_engine.text import encoder as enc

_COLD = r"""
import json, resource, time
t0 = time.perf_counter()
def rss():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
before = rss()
from stint_engine.text import encoder
e = encoder.get_linking_encoder()  # base package + fine-tuned layers, both checked
loaded = time.perf_counter()
e.encode(["data analysis"])
first = time.perf_counter()
print(json.dumps({"load_and_check_s": loaded - t0, "first_encoding_s": first - t0,
                  "rss_before_mb": before, "rss_after_mb": rss()}))
"""


def _cold() -> dict[str, float]:
    out = subprocess.run(  # noqa: S603 - our own interpreter and fixed code
        [sys.executable, "-c", _COLD], capture_output=True, text=True, check=True
    ).stdout
    return {k: round(v, 3) for k, v in json.loads(out).items()}


def _rate(model: enc.Encoder, texts: list[str], batch_size: int) -> float:
    t0 = time.perf_counter()
    model.encode(texts, batch_size=batch_size)
    return len(texts) / (time.perf_counter() - t0)


def run(quick: bool = False) -> dict[str, Any]:
    tx = Taxonomy.load()
    model = enc.get_linking_encoder()
    rng = np.random.default_rng(0)
    labels = [s.label for s in tx.skills.values() if s.kind != "tool"]
    sample = [labels[i] for i in rng.choice(len(labels), 300 if quick else 2000, replace=False)]
    sentences = [
        f"You will {a} and {b} with our team, reporting to the head of {c}."
        for a, b, c in zip(sample, sample[1:], sample[2:], strict=False)
    ][: 100 if quick else 500]
    from stint_engine.text.link import linking_index, skill_index

    lexical = skill_index(tx)
    hybrid = linking_index(tx)
    queries = sample[:50] if quick else sample[:200]
    lexical.top(queries[0], 10)
    hybrid.top(queries[0], 10)

    def per_query_ms(index: Any) -> list[float]:
        times = []
        for q in queries:
            t0 = time.perf_counter()
            index.top(q, 10)
            times.append((time.perf_counter() - t0) * 1000)
        return times

    lex_t = per_query_ms(lexical)
    hyb_t = per_query_ms(hybrid)
    return {
        "model": enc.MODEL_NAME,
        "package": f"{enc.PACKAGE}=={enc.PACKAGE_VERSION}",
        "fine_tuned": enc.LINKING_FILE.name if enc.LINKING_FILE.exists() else None,
        "cold_start": _cold(),
        "labels_per_s": round(_rate(model, sample, 128), 1),
        "sentences_per_s": round(_rate(model, sentences, 32), 1),
        "link_query_ms": {
            "lexical_p50": round(float(np.percentile(lex_t, 50)), 2),
            "lexical_p99": round(float(np.percentile(lex_t, 99)), 2),
            "hybrid_p50": round(float(np.percentile(hyb_t, 50)), 2),
            "hybrid_p99": round(float(np.percentile(hyb_t, 99)), 2),
        },
        "note": "2-core machine shared with other jobs; read figures as ranges",
    }
