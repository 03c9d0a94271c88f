"""Allocation speed against the `matching` library, as a table.

    .venv/bin/python bench/bench_allocation.py            # 20k x 2k vs library, then 1M x 100k
    .venv/bin/python bench/bench_allocation.py --quick    # 2k x 200, then 100k x 10k
    .venv/bin/python bench/bench_allocation.py --json out.json

The same figures come from `python -m stint_engine bench --only allocation`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from stint_engine_eval.bench_allocation import run


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args()
    result = run(quick=args.quick)
    cmp, big = result["compare"], result["large"]
    cpu = cmp["cpu_s"]

    table = Table(title=f"Stable student-project allocation (seed {result['seed']})")
    table.add_column("instance")
    table.add_column("solver")
    table.add_column("wall s", justify="right")
    table.add_column("CPU s", justify="right")
    table.add_column("speed-up (wall / CPU)", justify="right")
    table.add_column("check")
    size = f"{cmp['students']:,} students x {cmp['projects']:,} projects x {cmp['supervisors']:,} supervisors"
    table.add_row(
        size,
        "matching 1.4.3 (clean=True)",
        f"{cmp['library_s']:.2f}",
        f"{cpu['library']:.2f}",
        "1x",
        "",
    )
    table.add_row(
        "",
        "stint, named (allocate)",
        f"{cmp['ours_named_s']:.3f}",
        f"{cpu['ours_named']:.3f}",
        f"{cmp['speedup_named']}x / {cmp['cpu_speedup_named']}x",
        "same matching",
    )
    table.add_row(
        "",
        "stint, arrays (from_choices)",
        f"{cmp['ours_arrays_s']:.3f}",
        f"{cpu['ours_arrays']:.3f}",
        f"{cmp['speedup_arrays']}x / {cmp['cpu_speedup_arrays']}x",
        "same matching",
    )
    big_size = f"{big['students']:,} students x {big['projects']:,} projects x {big['supervisors']:,} supervisors"
    table.add_row(
        big_size,
        "stint, arrays (build + solve)",
        f"{big['end_to_end_s']:.2f}",
        f"{big['end_to_end_cpu_s']:.2f}",
        "",
        f"stable, 0 blocking pairs ({big['check_s']:.2f}s)",
    )
    Console(width=140).print(table)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
