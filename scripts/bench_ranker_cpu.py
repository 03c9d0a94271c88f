"""CPU time per query: top 20 of 100,000 by fit vs by the learned ranker + fit.

Usage: `.venv/bin/python scripts/bench_ranker_cpu.py [--model ranker.json]`
(the synthetic data of `stint_engine_eval bench --only retrieval`; CPU time is
steadier than wall time on a shared machine). Prints one line per pipeline.
`--model` times another ranker file (e.g. the previous one) instead of the
shipped one. Title vectors of the sentence encoder are cached per process, so
a request encodes only the titles this process has not seen: "with ranker"
is each candidate's first query (new titles encoded), "titles cached" the
same queries again.
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from stint_engine.retrieval import OpportunityFilters, OpportunityIndex, SkillSpace
from stint_engine.retrieval import ranker as ranker_module
from stint_engine.retrieval.ranker import Posting, read_ranker
from stint_engine.retrieval.rerank import History, recommend_opportunities
from stint_engine.scoring import TextModel
from stint_engine.taxonomy import Taxonomy
from stint_engine_eval import synthetic

TODAY = date(2025, 3, 3)
N = 100_000
QUERIES = 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None)
    args = parser.parse_args()
    if args.model is not None:  # every later load_ranker() returns this model
        model = read_ranker(args.model)
        ranker_module.load_ranker = lambda: model  # type: ignore[assignment]
    taxonomy = Taxonomy.load()
    profiles = synthetic.Profiles(taxonomy)
    opps = {o.id: o for o in synthetic.opportunities(profiles, N, today=TODAY)}
    candidates = list(synthetic.candidates(profiles, QUERIES, seed=99))
    text_model = TextModel.fit(o.text for o in list(opps.values())[:20_000])
    index = OpportunityIndex(SkillSpace.from_taxonomy(taxonomy), width=16)
    index.add_many(opps.values())

    def posting(o: Any) -> Posting:
        title = o.text.split(" project:")[0]
        return Posting(int(o.id[1:]), title, o.location.city, o.location.country, o.employer_id)

    def history(c: Any) -> History:
        # three opportunities "applied to" before, the goal as the person's title
        seen = tuple(posting(opps[f"o{(int(c.id[1:]) * 7919 + j) % N}"]) for j in range(3))
        home = (c.location.city, c.location.country)
        return History(seen=seen, own_titles=(c.text.split(";")[0],), home=home)

    def run(c: Any, ranked: bool) -> None:
        f = OpportunityFilters.for_candidate(c, TODAY)
        recommend_opportunities(
            index,
            c,
            opps.__getitem__,
            taxonomy,
            today=TODAY,
            k=20,
            filters=f,
            text_model=text_model,
            postings=(lambda ids: {i: posting(opps[i]) for i in ids}) if ranked else None,
            history=history(c) if ranked else None,
        )

    for c in candidates[:5]:  # warm caches
        run(c, False)
        run(c, True)
    times: dict[str, list[float]] = {"fit only": [], "with ranker": [], "titles cached": []}
    for name, ranked in (("fit only", False), ("with ranker", True), ("titles cached", True)):
        for c in candidates:
            t = time.process_time()
            run(c, ranked)
            times[name].append(time.process_time() - t)
    for name, samples in times.items():
        a = np.array(samples) * 1e3
        p50, p90, p99 = np.percentile(a, [50, 90, 99])
        print(f"{name}: CPU ms p50 {p50:.2f} p90 {p90:.2f} p99 {p99:.2f} mean {a.mean():.2f}")
    print(f"titles with a cached vector: {len(ranker_module._title_vectors)}")


if __name__ == "__main__":
    main()
