"""Retrieval benchmarks as a table: top-20 opportunities among 100,000 and
top-50 candidates among 1,000,000, each beside its brute-force baseline.

    .venv/bin/python bench/bench_retrieval.py [--quick] [--only retrieval|candidates]
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from rich.console import Console
from rich.table import Table

from stint_engine_eval import bench_candidates, bench_retrieval


def _rows(name: str, result: dict[str, Any]) -> list[tuple[str, str, str]]:
    rows = []
    for key, value in result.items():
        if isinstance(value, dict) and "p99_ms" in value:
            rows.append((name, key, f"p50 {value['p50_ms']} ms / p99 {value['p99_ms']} ms"))
        elif isinstance(value, dict):
            for k2, v2 in value.items():
                rows.append((name, f"{key}.{k2}", json.dumps(v2)))
        else:
            rows.append((name, key, json.dumps(value)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", choices=["retrieval", "candidates"])
    args = parser.parse_args()
    table = Table(title="Stint retrieval" + (" (quick)" if args.quick else ""))
    for col in ("area", "figure", "value"):
        table.add_column(col)
    areas = {"retrieval": bench_retrieval.run, "candidates": bench_candidates.run}
    for name, run in areas.items():
        if args.only and args.only != name:
            continue
        for row in _rows(name, run(args.quick)):
            table.add_row(*row)
    Console().print(table)


if __name__ == "__main__":
    main()
