"""Train the job ranker shipped as `src/stint_engine/data/ranker.json`.

Usage: `.venv/bin/python scripts/train_ranker.py --job-views ../shared/data/job_views`

Model and features are chosen by cross-validation grouped by applicant over
the training quarter of the applicants (the same hash split as
`eval recommend`, whose reported applicants are never read here). Fixed
folds and a deterministic optimiser: the same data gives the same file.
Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from stint_engine.retrieval.ranker import MODEL_PATH
from stint_engine_eval.recommend import train_ranker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--job-views", required=True, type=Path)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args()
    started = time.monotonic()

    def progress(message: str) -> None:
        print(f"[{time.monotonic() - started:6.1f}s] {message}", file=sys.stderr, flush=True)

    ranker = train_ranker(args.job_views, progress)
    ranker.save(args.out)
    progress(f"chose {ranker.info['kind']} {ranker.info['feature_set']} l2={ranker.info['l2']}")
    progress(f"weights {ranker.as_dict()}")
    progress(f"wrote {args.out}")


if __name__ == "__main__":
    main()
