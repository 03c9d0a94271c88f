"""`python -m stint_engine_eval`: offline evaluation and benchmarks of the engine.

Kept out of the runtime engine (`stint_engine`), which holds only what the web
app needs. Each subcommand prints one JSON object on stdout; progress goes to
stderr.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from stint_engine.cli import run


def _extraction(args: argparse.Namespace) -> dict[str, Any]:
    from stint_engine_eval.extraction import run_eval_extraction

    return run_eval_extraction(args)


def _linking(args: argparse.Namespace) -> dict[str, Any]:
    from stint_engine_eval.linking import run_eval_linking

    return run_eval_linking(args)


def _named(args: argparse.Namespace) -> dict[str, Any]:
    from stint_engine_eval.named import run_eval_named

    return run_eval_named(args)


def _explore(args: argparse.Namespace) -> dict[str, Any]:
    from stint_engine_eval.explore import run_eval_explore

    return run_eval_explore(args)


def _titles(args: argparse.Namespace) -> dict[str, Any]:
    from stint_engine_eval.titles import run_eval_titles

    return run_eval_titles(args)


def _recommend(args: argparse.Namespace) -> dict[str, Any]:
    from stint_engine_eval.recommend import run_eval_recommend

    return run_eval_recommend(args)


def _bench(args: argparse.Namespace) -> dict[str, Any]:
    from stint_engine_eval.bench import run_bench

    return run_bench(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m stint_engine_eval", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extraction", help="strict span P/R/F1 on SkillSpan CoNLL")
    ex.add_argument("--conll", required=True)
    ex.set_defaults(func=_extraction)
    ln = sub.add_parser("linking", help="MRR and R-precision@5 for skill linking")
    ln.add_argument("--annotations", required=True)
    ln.add_argument("--labels", required=True)
    ln.set_defaults(func=_linking)
    ti = sub.add_parser("titles", help="accuracy@1/@5 and MRR for title normalisation")
    ti.add_argument("--titles", required=True)
    ti.set_defaults(func=_titles)
    rc = sub.add_parser("recommend", help="hit@10, MRR, NDCG@10 on job views")
    rc.add_argument("--job-views", required=True, dest="job_views")
    rc.add_argument("--mode", choices=["default", "explore"], default="default")
    rc.set_defaults(func=_recommend)
    nm = sub.add_parser("named", help="recall/precision of skills named in resumes, postings")
    nm.add_argument("--set", default=None, help="default: bench/data/named_skills/set.json")
    nm.add_argument("--split", choices=["dev", "test"], default=None)
    nm.set_defaults(func=_named)
    xp = sub.add_parser("explore", help="share of postings mapped to a plausible occupation")
    xp.add_argument("--set", default="bench/data/explore/postings.jsonl")
    xp.set_defaults(func=_explore)
    for p in (ex, ln, ti, rc, xp):
        p.add_argument("--limit", type=int, default=None, help="evaluate only the first N items")

    be = sub.add_parser("bench", help="speed and memory figures with same-process baselines")
    be.add_argument(
        "--only",
        default=None,
        help="comma-separated: retrieval,candidates,allocation,extraction,encoder",
    )
    be.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    be.set_defaults(func=_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run(build_parser(), argv)
