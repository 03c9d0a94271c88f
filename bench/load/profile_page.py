"""Profiles one page in-process: where a request's CPU goes.

    STINT_VAR_DIR=/tmp/perf_bench/sqlite DJANGO_SETTINGS_MODULE=bench.load.settings \
      PYTHONPATH=src:. .venv/bin/python bench/load/profile_page.py /opportunities/ -n 50

Logs in as the demo candidate (as the load benchmark does), warms the page up,
then prints the mean wall time per request and cProfile's top functions.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.load.settings")
os.environ.setdefault("STINT_ENV", "development")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,testserver")
os.environ.setdefault("TASKS_BACKEND", "immediate")
os.environ.setdefault(
    "STINT_INDEX_BUILD", "sync"
)  # measure with the index built, as the load run does

import django

django.setup()

from django.test import Client  # noqa: E402

from stint.accounts.models import User  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("-n", type=int, default=50)
    parser.add_argument("--user", default="ada@example.edu")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative")
    args = parser.parse_args()

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email=args.user))
    for _ in range(5):  # warm caches and the matching index
        response = client.get(args.path)
        assert response.status_code == 200, response.status_code
    started = time.perf_counter()
    for _ in range(args.n):
        client.get(args.path)
    wall = (time.perf_counter() - started) / args.n
    print(f"{args.path}: {wall * 1000:.1f} ms per request (unprofiled, {args.n} requests)")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.n):
        client.get(args.path)
    profiler.disable()
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
