"""`python -m stint_engine`: each subcommand prints one JSON object on stdout.

Progress bars go to stderr so the JSON on stdout stays machine-readable.
Each subcommand's work lives in the package that owns it; this module only
parses arguments and dispatches. Evaluation and benchmarks are not part of the
runtime engine: they live in `stint_engine_eval`; `eval …` and `bench …` here are
forwarded to it (`python -m stint_engine eval linking --annotations … --labels …`).
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m stint_engine", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    alloc = sub.add_parser("allocate", help="stable student-project allocation")
    alloc.add_argument("--students", required=True)
    alloc.add_argument("--projects", required=True)
    alloc.add_argument("--supervisors")
    alloc.add_argument("--optimal", choices=["student", "project"], default="student")
    alloc.set_defaults(func=_allocate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("eval", "bench"):
        # The published commands (`python -m stint_engine eval linking …`, `… bench`) keep
        # working; the tooling itself lives outside the runtime engine (stint_engine_eval).
        from stint_engine_eval.cli import main as eval_main

        return eval_main(args[1:] if args[0] == "eval" else args)
    return run(build_parser(), args)


def run(parser: argparse.ArgumentParser, argv: Sequence[str] | None = None) -> int:
    """Parse, call the chosen subcommand and print its JSON (shared with stint_engine_eval)."""
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], dict[str, Any]] = args.func
    try:
        result = func(args)
    except (OSError, ValueError, KeyError) as exc:  # a bad input file: say which, no traceback
        parser.exit(2, f"{parser.prog}: error: {exc}\n")
    json.dump(result, sys.stdout, indent=None, sort_keys=False)
    sys.stdout.write("\n")
    return 0
