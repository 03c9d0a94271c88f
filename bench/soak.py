"""Soak benchmark: the whole marketplace loop at a steady rate, on PostgreSQL, through
two gunicorn web processes, two task workers and the scheduler; records errors,
latency percentiles and the memory (RSS) of every process over time.

    .venv/bin/python bench/soak.py                  # 10 minutes at 1 loop/s
    .venv/bin/python bench/soak.py --minutes 1      # a smoke run
    .venv/bin/python bench/soak.py --minutes 2 --write docs/bench/soak.md

One loop = employer creates a draft, publishes it; a candidate asks for
recommendations, applies; the employer lists applicants and makes an offer; the
candidate accepts (engagement and escrow funding follow in tasks where the
engagements app provides them; `GET /api/v1/engagements` is probed when it exists).
It creates a fresh database (default `stint_soak`, dropped first) on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
PAGE = 4096

SEED = r"""
import json, os
from django.utils import timezone
from allauth.account.models import EmailAddress
from stint.accounts.models import User
from stint.accounts.services import api_token_create
from stint.orgs.services import organisation_create
from stint.profiles.models import CandidateProfile, SkillClaim
from stint.matching.engine import search_skills

n = int(os.environ.get("SOAK_N", "200"))
skills = [search_skills(q, 1)[0] for q in ("python", "SQL", "data analysis", "Excel")]
boss = User.objects.create_user(email="boss@soak.example", password=None, full_name="Soak Boss")
boss.set_unusable_password(); boss.save()
EmailAddress.objects.create(user=boss, email=boss.email, verified=True, primary=True)
org = organisation_create(actor=boss, kind="employer", name="Soak Ltd")
org.verified_at = timezone.now(); org.save(update_fields=["verified_at"])
out = {"org": org.pk, "employer": api_token_create(user=boss, name="soak").secret, "candidates": []}
for i in range(n):
    u = User.objects.create_user(email=f"c{i}@soak.example", password=None, full_name=f"Cand {i}", is_candidate=True)
    u.set_unusable_password(); u.save()
    EmailAddress.objects.create(user=u, email=u.email, verified=True, primary=True)
    p, _ = CandidateProfile.objects.get_or_create(user=u, defaults={"hours_per_week": 30})
    for s in skills[: 1 + i % len(skills)]:
        SkillClaim.objects.create(profile=p, skill_id=s["id"], label=s["label"], level=3)
    out["candidates"].append(api_token_create(user=u, name="soak").secret)
out["skills"] = [s["id"] for s in skills]
print("SEED" + json.dumps(out))
"""


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: list[str] = field(default_factory=list)
    loops_done: int = 0
    loops_failed: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, step: str, seconds: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.latencies[step].append(seconds)
            if not ok:
                self.errors[step] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{step}: {detail[:200]}")


def call(
    base: str, stats: Stats, step: str, method: str, path: str, token: str, body: object = None
) -> dict | list | None:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        base + path,
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            payload = resp.read()
        stats.record(step, time.perf_counter() - started, True)
        return json.loads(payload) if payload else {}
    except urllib.error.HTTPError as exc:
        stats.record(step, time.perf_counter() - started, False, f"{exc.code} {exc.read()[:200]!r}")
    except OSError as exc:
        stats.record(step, time.perf_counter() - started, False, repr(exc))
    return None


def one_loop(base: str, seed: dict, i: int, stats: Stats, probe_engagements: bool) -> bool:
    boss = seed["employer"]
    cand = seed["candidates"][i % len(seed["candidates"])]
    today = date.today()
    o = call(
        base,
        stats,
        "create_opportunity",
        "POST",
        "/api/v1/opportunities",
        boss,
        {
            "organisation_id": seed["org"],
            "title": f"Soak project {i}",
            "summary": "Clean a customer table and write a short SQL report on churn.",
            "deliverables": "A notebook and a two-page report.",
            "estimated_hours": 10,
            "fee_minor": 40000,
            "currency": "USD",
            "apply_by": str(today + timedelta(days=10)),
            "start_date": str(today + timedelta(days=12)),
            "due_date": str(today + timedelta(days=40)),
            "skills": [
                {"skill_id": s, "need": "essential", "level": 2} for s in seed["skills"][:2]
            ],
        },
    )
    if not isinstance(o, dict):
        return False
    oid = o["id"]
    if (
        call(
            base,
            stats,
            "publish",
            "POST",
            f"/api/v1/opportunities/{oid}/status",
            boss,
            {"status": "published"},
        )
        is None
    ):
        return False
    call(base, stats, "recommendations", "GET", "/api/v1/recommendations", cand)
    a = call(
        base,
        stats,
        "apply",
        "POST",
        "/api/v1/applications",
        cand,
        {"opportunity_id": oid, "note": "Keen."},
    )
    if not isinstance(a, dict):
        return False
    call(base, stats, "applicants", "GET", f"/api/v1/opportunities/{oid}/applicants", boss)
    shortlisted = call(
        base, stats, "shortlist", "POST", f"/api/v1/applications/{a['id']}/shortlist", boss
    )
    if shortlisted is None:
        return False
    offer = call(base, stats, "offer", "POST", f"/api/v1/applications/{a['id']}/offers", boss, {})
    if not isinstance(offer, dict):
        return False
    if call(base, stats, "accept", "POST", f"/api/v1/offers/{offer['id']}/accept", cand) is None:
        return False
    if probe_engagements:
        call(base, stats, "engagements", "GET", "/api/v1/engagements", cand)
    return True


def children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return sorted(out)


def rss_mb(pid: int) -> float | None:
    try:
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return pages * PAGE / 1024 / 1024


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--rate", type=float, default=1.0, help="loops started per second")
    ap.add_argument("--concurrency", type=int, default=4, help="client threads")
    ap.add_argument("--port", type=int, default=8031)
    ap.add_argument("--database", default="stint_soak")
    ap.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    ap.add_argument("--candidates", type=int, default=300)
    ap.add_argument("--sample-seconds", type=float, default=10.0)
    ap.add_argument("--write", default="", help="write the report (markdown) to this file")
    args = ap.parse_args()

    import psycopg

    db_url = f"{args.pg}/{args.database}"
    var = Path(f"/tmp/stint_soak_var_{args.port}")
    var.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": db_url,
            "STINT_VAR_DIR": str(var),
            "STINT_ENV": "development",
            "DEBUG": "false",
            "SECRET_KEY": "soak-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "EMAIL_URL": "locmem://",
            "TASKS_BACKEND": "database",
            "LOG_LEVEL": "WARNING",
            "DB_CONN_MAX_AGE": "60",
            "PYTHONPATH": str(ROOT / "src"),
            "STINT_INDEX_BUILD": "background",
        }
    )
    with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{args.database}"')
    manage = [PY, str(ROOT / "manage.py")]
    print("migrating…", flush=True)
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    print(f"seeding {args.candidates} candidates…", flush=True)
    seeded = subprocess.run(
        [*manage, "shell", "-v", "0", "-c", SEED],
        env={**env, "SOAK_N": str(args.candidates)},
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    line = next(x for x in seeded.stdout.splitlines() if x.startswith("SEED"))
    seed = json.loads(line[4:])
    seed["candidates"] = seed["candidates"][: args.candidates]

    web_cmd = [
        str(Path(PY).parent / "gunicorn"),
        "stint.config.wsgi:application",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        "2",
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    worker_cmd = [*manage, "db_worker", "--queue-name", "*", "--interval", "1", "--no-reload"]
    procs: dict[str, subprocess.Popen[bytes]] = {}
    logs = var / "logs"
    logs.mkdir(exist_ok=True)

    def start(name: str, cmd: list[str]) -> None:
        out = (logs / f"{name}.log").open("wb")
        procs[name] = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)

    import socket

    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", args.port)) == 0:
            print(f"port {args.port} is already in use; pick another --port", file=sys.stderr)
            return 1
    try:
        return run(args, env, manage, seed, web_cmd, worker_cmd, procs, logs, db_url, start)
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs.values():
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()


def run(args, env, manage, seed, web_cmd, worker_cmd, procs, logs, db_url, start) -> int:  # type: ignore[no-untyped-def]
    import psycopg

    start("web", web_cmd)
    start("worker-1", worker_cmd)
    start("worker-2", worker_cmd)
    start("scheduler", [*manage, "scheduler", "--interval", "15"])
    base = f"http://127.0.0.1:{args.port}"
    for _ in range(120):
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        print("the web server did not start; see", logs, file=sys.stderr)
        return 1
    try:
        with urllib.request.urlopen(
            urllib.request.Request(
                base + "/api/v1/engagements",
                headers={"Authorization": f"Bearer {seed['candidates'][0]}"},
            ),
            timeout=10,
        ) as r:
            probe_engagements = r.status == 200
    except OSError:
        probe_engagements = False

    stats = Stats()
    rss: dict[str, list[tuple[float, float]]] = defaultdict(list)
    stop = threading.Event()
    t0 = time.monotonic()

    def sampler() -> None:
        while not stop.is_set():
            now = time.monotonic() - t0
            pids = {name: p.pid for name, p in procs.items()}
            for j, child in enumerate(children(procs["web"].pid)):
                pids[f"web-worker-{j + 1}"] = child
            for name, pid in pids.items():
                mb = rss_mb(pid)
                if mb is not None:
                    rss[name].append((now, mb))
            stop.wait(args.sample_seconds)

    threading.Thread(target=sampler, daemon=True).start()
    duration = args.minutes * 60
    counter = iter(range(10**9))
    counter_lock = threading.Lock()
    interval = args.concurrency / args.rate  # each thread starts one loop per interval

    def client(k: int) -> None:
        next_at = time.monotonic() + k * (interval / args.concurrency)
        while time.monotonic() - t0 < duration:
            time.sleep(max(0.0, next_at - time.monotonic()))
            next_at += interval
            with counter_lock:
                i = next(counter)
            ok = one_loop(base, seed, i, stats, probe_engagements)
            with stats.lock:
                if ok:
                    stats.loops_done += 1
                else:
                    stats.loops_failed += 1

    print(f"running {args.minutes} min at {args.rate} loop/s…", flush=True)
    threads = [threading.Thread(target=client, args=(k,)) for k in range(args.concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    time.sleep(3)  # let the workers drain
    stop.set()
    with psycopg.connect(db_url) as conn:
        q = conn.execute(
            "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
        ).fetchall()
        tasks = dict(q)
        applied = conn.execute("SELECT count(*) FROM applications_application").fetchone()[0]
    metrics_text = ""
    try:
        with urllib.request.urlopen(base + "/metrics", timeout=10) as r:
            metrics_text = r.read().decode()
    except OSError:
        pass
    # ---- report -----------------------------------------------------------------
    all_lat = [x for v in stats.latencies.values() for x in v]
    requests = len(all_lat)
    errors = sum(stats.errors.values())
    lines = [
        "# Soak benchmark",
        "",
        f"Run {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} on {platform.node() or 'host'}: "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, PostgreSQL on 127.0.0.1.",
        "",
        "```sh",
        " ".join([".venv/bin/python bench/soak.py", *[shlex.quote(a) for a in sys.argv[1:]]]),
        "```",
        "",
        f"- duration {elapsed / 60:.1f} min, target {args.rate} loop/s with {args.concurrency} client threads",
        "- processes: gunicorn (2 workers), 2 × `db_worker`, 1 × `scheduler`, on a fresh database",
        f"- loops completed {stats.loops_done}, failed {stats.loops_failed}; "
        f"{requests} requests ({requests / elapsed:.1f}/s), {errors} errors "
        f"({100 * errors / max(1, requests):.2f}%)",
        f"- applications in the database at the end: {applied}",
        f"- task rows at the end: {json.dumps(tasks)}",
        f"- engagements endpoint probed: {'yes' if probe_engagements else 'no (not mounted in this build)'}",
        "",
        "## Latency by step (ms)",
        "",
        "| step | n | errors | p50 | p95 | p99 | max |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for step, values in stats.latencies.items():
        lines.append(
            f"| {step} | {len(values)} | {stats.errors.get(step, 0)} | "
            f"{1000 * statistics.median(values):.0f} | {1000 * percentile(values, 95):.0f} | "
            f"{1000 * percentile(values, 99):.0f} | {1000 * max(values):.0f} |"
        )
    lines.append(
        f"| **all** | {requests} | {errors} | {1000 * statistics.median(all_lat):.0f} | "
        f"{1000 * percentile(all_lat, 95):.0f} | {1000 * percentile(all_lat, 99):.0f} | "
        f"{1000 * max(all_lat):.0f} |"
    )
    lines += [
        "",
        "## Memory (RSS, MB) over time",
        "",
        "Growth is measured from the first sample after the warm-up (20% of the run) to the end.",
        "",
        "| process | start | after warm-up | end | growth after warm-up |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in sorted(rss):
        series = rss[name]
        warm = next((mb for t, mb in series if t >= 0.2 * elapsed), series[-1][1])
        lines.append(
            f"| {name} | {series[0][1]:.0f} | {warm:.0f} | {series[-1][1]:.0f} | "
            f"{series[-1][1] - warm:+.1f} |"
        )
    if stats.samples:
        lines += ["", "## First errors", "", *[f"- `{s}`" for s in stats.samples]]
    depth = [ln for ln in metrics_text.splitlines() if ln.startswith("stint_task_queue")]
    if depth:
        lines += ["", "## Task queue at the end (/metrics)", "", "```", *depth, "```"]
    report = "\n".join(lines) + "\n"
    print(report)
    if args.write:
        Path(args.write).write_text(report)
    return 0 if stats.loops_done else 1


if __name__ == "__main__":
    raise SystemExit(main())
