"""`python -m stint_engine bench`: every speed/memory figure, each beside a
baseline run in the same process, as one JSON object.

Each area lives in its own module (`bench_<area>.py`) exposing
`run(quick: bool) -> dict`; this module only picks and collects them.
"""

from __future__ import annotations

import argparse
import importlib
from typing import Any

AREAS = ("retrieval", "candidates", "allocation", "extraction", "encoder")


def run_bench(args: argparse.Namespace) -> dict[str, Any]:
    wanted = AREAS if not args.only else tuple(a.strip() for a in args.only.split(","))
    unknown = [a for a in wanted if a not in AREAS]
    if unknown:
        raise SystemExit(f"unknown bench area(s): {', '.join(unknown)}; choose from {AREAS}")
    out: dict[str, Any] = {}
    for area in wanted:
        module = importlib.import_module(f"stint_engine_eval.bench_{area}")
        out[area] = module.run(quick=bool(args.quick))
    return out
