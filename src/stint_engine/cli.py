"""`python -m stint_engine`: each subcommand prints one JSON object on stdout.

Progress bars go to stderr so the JSON on stdout stays machine-readable.
Each subcommand's work lives in the package that owns it; this module only
parses arguments and dispatches.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any


def _allocate(args: argparse.Namespace) -> dict[str, Any]:
    from stint_engine.allocation.cli import run_allocate

    return run_allocate(args)


def _eval(args: argparse.Namespace) -> dict[str, Any]:
    if args.what == "extraction":
        from stint_engine.eval.extraction import run_eval_extraction

        return run_eval_extraction(args)
    if args.what == "linking":
        from stint_engine.eval.linking import run_eval_linking

        return run_eval_linking(args)
    if args.what == "named":
        from stint_engine.eval.named import run_eval_named

        return run_eval_named(args)
    if args.what == "explore":
        from stint_engine.eval.explore import run_eval_explore

        return run_eval_explore(args)
    if args.what == "titles":
        from stint_engine.eval.titles import run_eval_titles

        return run_eval_titles(args)
    from stint_engine.eval.recommend import run_eval_recommend

    return run_eval_recommend(args)


def _bench(args: argparse.Namespace) -> dict[str, Any]:
    from stint_engine.eval.bench import run_bench

    return run_bench(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m stint_engine", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    alloc = sub.add_parser("allocate", help="stable student-project allocation")
    alloc.add_argument("--students", required=True)
    alloc.add_argument("--projects", required=True)
    alloc.add_argument("--supervisors")
    alloc.add_argument("--optimal", choices=["student", "project"], default="student")
    alloc.set_defaults(func=_allocate)

    ev = sub.add_parser("eval", help="offline evaluation on shared data")
    ev_sub = ev.add_subparsers(dest="what", required=True)
    ex = ev_sub.add_parser("extraction", help="strict span P/R/F1 on SkillSpan CoNLL")
    ex.add_argument("--conll", required=True)
    ln = ev_sub.add_parser("linking", help="MRR and R-precision@5 for skill linking")
    ln.add_argument("--annotations", required=True)
    ln.add_argument("--labels", required=True)
    ti = ev_sub.add_parser("titles", help="accuracy@1/@5 and MRR for title normalisation")
    ti.add_argument("--titles", required=True)
    rc = ev_sub.add_parser("recommend", help="hit@10, MRR, NDCG@10 on job views")
    rc.add_argument("--job-views", required=True, dest="job_views")
    rc.add_argument("--mode", choices=["default", "explore"], default="default")
    nm = ev_sub.add_parser("named", help="recall/precision of skills named in resumes, postings")
    nm.add_argument("--set", default=None, help="default: bench/data/named_skills/set.json")
    nm.add_argument("--split", choices=["dev", "test"], default=None)
    xp = ev_sub.add_parser("explore", help="share of postings mapped to a plausible occupation")
    xp.add_argument("--set", default="bench/data/explore/postings.jsonl")
    for p in (ex, ln, ti, rc, xp):
        p.add_argument("--limit", type=int, default=None, help="evaluate only the first N items")
    ev.set_defaults(func=_eval)

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
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], dict[str, Any]] = args.func
    try:
        result = func(args)
    except (OSError, ValueError, KeyError) as exc:  # a bad input file: say which, no traceback
        parser.exit(2, f"{parser.prog}: error: {exc}\n")
    json.dump(result, sys.stdout, indent=None, sort_keys=False)
    sys.stdout.write("\n")
    return 0
