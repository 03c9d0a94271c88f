"""What a fresh web worker costs on this server's data: start-up seconds and memory.

gunicorn's `max_requests` replaces a worker after that many requests; the new one
pays this again. Run it with the deployment's environment (same DATABASE_URL and
STINT_VAR_DIR, so it finds the index snapshot the scheduler writes):

    set -a; . /etc/stint/stint.env; set +a
    /srv/stint/venv/bin/python /srv/stint/app/deploy/measure_worker.py

It prints one JSON object: resident memory (RSS, MB), wall and CPU seconds (CPU is
the figure to trust on a busy machine) after Django starts,
after the text engine warms up (what `stint.config.wsgi` starts in a thread unless
STINT_WARM_TEXT=false) and after both matching indexes are ready (the snapshot loaded
and caught up, or built from the database when there is none).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stint.config.settings")
    started = time.perf_counter()
    wall_started = time.time()
    cpu_started = time.process_time()
    import django

    django.setup()
    out: dict[str, object] = {"django": {"seconds": round(time.perf_counter() - started, 2)}}
    out["django"]["rss_mb"] = rss_mb()  # type: ignore[index]

    if "--no-text" not in sys.argv:
        from stint.matching.engine import taxonomy
        from stint_engine.text import warm_up

        step, cpu = time.perf_counter(), time.process_time()
        warm_up(taxonomy())
        out["text_warm_up"] = {
            "seconds": round(time.perf_counter() - step, 2),
            "cpu_seconds": round(time.process_time() - cpu, 2),
            "rss_mb": rss_mb(),
        }

    from stint.matching import indexes

    step, cpu = time.perf_counter(), time.process_time()
    indexes.warm_up()
    out["matching_indexes"] = {
        "seconds": round(time.perf_counter() - step, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "rss_mb": rss_mb(),
        "items": {k: v["items"] for k, v in indexes.status().items()},
        # A loaded snapshot keeps its own creation time; a build is stamped now.
        "from_snapshot": all(
            h.built_at < wall_started for h in (indexes.OPPORTUNITIES, indexes.CANDIDATES)
        ),
    }
    out["total"] = {
        "seconds": round(time.perf_counter() - started, 2),
        "cpu_seconds": round(time.process_time() - cpu_started, 2),
        "peak_rss_mb": peak_mb(),
    }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
