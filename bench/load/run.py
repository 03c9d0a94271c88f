"""Load benchmark: the web app under 16 concurrent clients, against a bare view.

For each database (SQLite in a temporary directory; PostgreSQL database
`stint_bench` when a server answers on 127.0.0.1:5432):
  fresh database → migrate → seed_demo → seed_scale → prepare.py (ANALYZE, a
  logged-in candidate's session, API tokens) → gunicorn (2 sync workers by
  default, one per core; DEBUG off) → wait until every worker's
  matching indexes are built → wrk on each
  scenario → p50/p99 and requests/s, with ratios against the bare view.

    .venv/bin/python bench/load/run.py                      # the documented run
    .venv/bin/python bench/load/run.py --backends sqlite --opportunities 5000 \
        --candidates 5000 --duration 5 --no-write           # a quick look

Only 127.0.0.1 is ever loaded. See bench/load/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

HERE = Path(os.path.abspath(__file__)).parent  # not resolved: a symlinked checkout works
ROOT = HERE.parents[1]
PYTHON = sys.executable
console = Console()

PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "stint_bench"
# Everything in docs/bench/load.md after this line is written by hand and kept by reruns.
NOTES_MARKER = "<!-- findings: written by hand, kept when run.py rewrites the figures above -->"
TARGET_P99_MS = 150.0


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    target: bool = False  # held to p99 <= 150 ms
    lua: bool = False
    visitors: bool = False  # each request from the next of many signed-in candidates


SCENARIOS = (
    Scenario("bare view", "/bench/bare"),
    Scenario("browse", "/opportunities/", target=True, visitors=True),
    Scenario("search ?q=data", "/opportunities/?q=data", target=True, visitors=True),
    Scenario("recommended (HTML)", "/opportunities/recommended/", target=True, visitors=True),
    Scenario("recommendations (API)", "/api/v1/recommendations", target=True, visitors=True),
    Scenario("apply (API POST)", "/api/v1/applications", lua=True),
)


@dataclass
class Result:
    scenario: Scenario
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx plus socket errors
    raw: str = field(repr=False, default="")
    hits: dict[str, float] = field(default_factory=dict)  # cache -> hit rate in this scenario


# --- Processes ---------------------------------------------------------------------------


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "STINT_VAR_DIR")}
    env.update(
        {
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
            "DJANGO_SETTINGS_MODULE": "stint.config.settings",
            "STINT_ENV": "development",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "TASKS_BACKEND": "immediate",
            "LOG_LEVEL": "WARNING",
        }
    )
    env.update(extra)
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    started = time.perf_counter()
    console.print(f"  [dim]manage.py {' '.join(args)}[/dim]")
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT)
    console.print(f"  [dim]… {time.perf_counter() - started:.1f}s[/dim]")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, cookie: str, timeout: float = 120) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # 127.0.0.1 only
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class Server:
    """gunicorn on 127.0.0.1, in its own process group."""

    def __init__(self, env: dict[str, str], log: Path, workers: int = 2, threads: int = 1) -> None:
        self.workers = workers
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.cmd = [
            str(Path(PYTHON).with_name("gunicorn")),
            "stint.config.wsgi",
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "-b",
            f"127.0.0.1:{self.port}",
            "--env",
            "DJANGO_SETTINGS_MODULE=bench.load.settings",
            "--timeout",
            "300",
            "--chdir",
            str(ROOT),
        ]
        # Figures summed over the workers, as deploy/gunicorn.conf.py sets up in production.
        prom = log.parent / "prometheus"
        shutil.rmtree(prom, ignore_errors=True)
        prom.mkdir(parents=True)
        self.env = {
            **env,
            "DJANGO_SETTINGS_MODULE": "bench.load.settings",
            "PROMETHEUS_MULTIPROC_DIR": str(prom),
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        console.print(f"  [dim]{shlex.join(self.cmd)}[/dim]")
        with self.log.open("ab") as fh:
            self.proc = subprocess.Popen(
                self.cmd, env=self.env, cwd=ROOT, stdout=fh, stderr=fh, start_new_session=True
            )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                status, _ = _get(self.base + "/healthz", "", timeout=5)
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer; see {self.log}")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # the group this run started
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


def warm_up(server: Server, cookie: str, timeout: float = 900) -> float:
    """Ask for recommendations until every worker answers from a built index
    (`degraded: false` several times in a row), then touch every page once."""
    started = time.time()
    in_a_row = 0
    while in_a_row < 4 * server.workers:
        if time.time() - started > timeout:
            raise RuntimeError("the matching indexes did not become ready in time")
        status, body = _get(server.base + "/api/v1/recommendations", cookie)
        if status != 200:
            raise RuntimeError(f"/api/v1/recommendations answered {status}: {body[:300]!r}")
        in_a_row = 0 if json.loads(body)["degraded"] else in_a_row + 1
        if in_a_row == 0:
            time.sleep(1)
    for scenario in SCENARIOS:
        if not scenario.lua:
            for _ in range(4):
                status, body = _get(server.base + scenario.path, cookie)
                if status != 200:
                    raise RuntimeError(f"{scenario.path} answered {status}: {body[:300]!r}")
    return time.time() - started


def drain(server: Server, timeout: float = 120) -> None:
    """Wait until the workers are idle: requests left over from a slow scenario
    (wrk stops, the server does not) must not be measured in the next one."""
    deadline = time.time() + timeout
    quick = 0
    while quick < 3 and time.time() < deadline:
        started = time.perf_counter()
        _get(server.base + "/bench/bare", "", timeout=timeout)
        quick = quick + 1 if time.perf_counter() - started < 0.1 else 0
        time.sleep(0.2)


# --- wrk ------------------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_wrk(text: str) -> tuple[float, float, float, int, int]:
    """(requests/s, p50 ms, p99 ms, requests, errors) from `wrk --latency` output."""
    percentiles = {
        int(p): float(v) * _UNITS[u]
        for p, v, u in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
    }
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", text).group(1))  # type: ignore[union-attr]
    errors = 0
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", text):
        errors += int(m.group(1))
    if m := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    ):
        errors += sum(int(x) for x in m.groups())
    return rps, percentiles[50], percentiles[99], requests, errors


def cache_lookups(server: Server) -> dict[tuple[str, str], float]:
    """(cache, hit|miss) -> count so far, summed over the workers (/metrics in
    multiprocess mode)."""
    _, body = _get(server.base + "/metrics", "")
    found = re.findall(
        r'^stint_cache_lookups_total\{cache="(\w+)",result="(\w+)"\} ([0-9.e+]+)$',
        body.decode(),
        re.M,
    )
    return {(c, r): float(v) for c, r, v in found}


def hit_rates(
    before: dict[tuple[str, str], float], after: dict[tuple[str, str], float]
) -> dict[str, float]:
    rates = {}
    for name in sorted({c for c, _ in after}):
        hits = after.get((name, "hit"), 0) - before.get((name, "hit"), 0)
        misses = after.get((name, "miss"), 0) - before.get((name, "miss"), 0)
        if hits + misses:
            rates[name] = hits / (hits + misses)
    return rates


def run_wrk(
    server: Server,
    scenario: Scenario,
    cookie: str,
    args: argparse.Namespace,
    pairs: Path,
    cookies: Path | None = None,
) -> Result:
    cmd = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    if scenario.lua:
        cmd += ["-s", str(HERE / "apply.lua"), server.base + scenario.path]
        cmd += ["--", str(pairs), str(args.threads)]
    elif scenario.visitors and cookies is not None:
        cmd += ["-s", str(HERE / "visitors.lua"), server.base + scenario.path]
        cmd += ["--", str(cookies), str(args.threads)]
    else:
        cmd += ["-H", f"Cookie: {cookie}", server.base + scenario.path]
    before = cache_lookups(server)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    hits = hit_rates(before, cache_lookups(server))
    rps, p50, p99, requests, errors = parse_wrk(out)
    console.print(
        f"  {scenario.name:<24} {rps:8.1f} req/s  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms"
        + (f"  [red]{errors} errors[/red]" if errors else "")
        + "".join(f"  {name} hits {rate:.0%}" for name, rate in hits.items())
    )
    return Result(scenario, rps, p50, p99, requests, errors, out, hits)


# --- One backend ------------------------------------------------------------------------------


@dataclass
class BackendRun:
    name: str
    results: list[Result]
    seed_seconds: float
    warm_seconds: float
    info: dict[str, object]
    load: tuple[float, float]  # 1-minute load average before and after the scenarios
    server: str = ""  # e.g. "16 connections, gunicorn 3 workers × 2 threads"


def _postgres_answers() -> bool:
    try:
        import psycopg

        with psycopg.connect(
            PG_ADMIN_URL.replace("postgres://", "postgresql://"), connect_timeout=3
        ):
            return True
    except Exception:
        return False


def _fresh_postgres(reuse: bool) -> str:
    import psycopg

    url = PG_ADMIN_URL.replace("postgres://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (PG_BENCH_DB,)
        ).fetchone()
        if exists and not reuse:
            conn.execute(f'DROP DATABASE "{PG_BENCH_DB}" WITH (FORCE)')
        if not exists or not reuse:
            conn.execute(f'CREATE DATABASE "{PG_BENCH_DB}"')
    return f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}"


def run_backend(name: str, args: argparse.Namespace, workdir: Path) -> BackendRun:
    console.rule(f"[bold]{name}")
    var_dir = workdir / name
    var_dir.mkdir(parents=True, exist_ok=True)
    extra = {"STINT_VAR_DIR": str(var_dir)}
    if name == "postgresql":
        extra["DATABASE_URL"] = _fresh_postgres(args.reuse)
        extra["DB_CONN_MAX_AGE"] = "60"  # persistent connections, as a PostgreSQL deployment runs
    elif not args.reuse:
        for f in var_dir.glob("stint.sqlite3*"):
            f.unlink()
    env = _env(extra)
    started = time.perf_counter()
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "seed_demo")
    _manage(
        env,
        "seed_scale",
        "--opportunities",
        str(args.opportunities),
        "--candidates",
        str(args.candidates),
    )
    pairs = var_dir / "apply_pairs.txt"
    cookies = var_dir / "visitors.txt" if args.visitors else None
    prepared = subprocess.run(
        [
            PYTHON,
            str(HERE / "prepare.py"),
            "--pairs",
            str(pairs),
            "--visitors",
            str(args.visitors),
            *(["--cookies", str(cookies)] if cookies else []),
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    info = json.loads(prepared.stdout.strip().splitlines()[-1])
    seed_seconds = time.perf_counter() - started
    cookie = str(info["session_cookie"])
    results = []
    with Server(env, var_dir / "gunicorn.log", args.workers, args.worker_threads) as server:
        warm = warm_up(server, cookie)
        console.print(f"  [dim]indexes ready and pages warm after {warm:.0f}s[/dim]")
        load_before = os.getloadavg()[0]
        for scenario in SCENARIOS:
            if args.only and scenario.name.split()[0] not in args.only:
                continue
            drain(server)
            time.sleep(args.pause)
            results.append(run_wrk(server, scenario, cookie, args, pairs, cookies))
        load_after = os.getloadavg()[0]
    server_text = (
        f"{args.connections} connections, gunicorn {args.workers} workers × "
        f"{args.worker_threads} threads"
    )
    return BackendRun(
        name, results, seed_seconds, warm, info, (load_before, load_after), server_text
    )


# --- Reporting ----------------------------------------------------------------------------------


def _bare(run: BackendRun) -> Result | None:
    return next((r for r in run.results if r.scenario.name == "bare view"), None)


def _verdict(r: Result) -> str:
    if not r.scenario.target:
        return "–"
    return "met" if r.p99_ms <= TARGET_P99_MS else "**missed**"


def _hits(r: Result) -> str:
    return ", ".join(f"{name} {rate:.0%}" for name, rate in r.hits.items()) or "–"


def rich_table(run: BackendRun) -> Table:
    bare = _bare(run)
    table = Table(title=f"{run.name}: {run.server}")
    for col in (
        "scenario",
        "req/s",
        "p50 ms",
        "p99 ms",
        "p50 × bare",
        "p99 × bare",
        "errors",
        "p99 ≤ 150 ms",
        "cache hits",
    ):
        table.add_column(col, justify="left" if col == "scenario" else "right")
    for r in run.results:
        table.add_row(
            r.scenario.name,
            f"{r.rps:.0f}",
            f"{r.p50_ms:.1f}",
            f"{r.p99_ms:.1f}",
            f"{r.p50_ms / bare.p50_ms:.1f}" if bare else "",
            f"{r.p99_ms / bare.p99_ms:.1f}" if bare else "",
            str(r.errors),
            _verdict(r).replace("*", ""),
            _hits(r),
        )
    return table


def markdown(runs: list[BackendRun], args: argparse.Namespace, command: str) -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    lines = [
        "# Load benchmark: pages and API under 16 concurrent clients",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on commit `{commit or '?'}`"
        + (" (with uncommitted changes)" if dirty else "")
        + f", {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs shared with "
        "other work, Python " + platform.python_version() + ".",
        "",
        "```sh",
        command,
        "```",
        "",
        f"Data: {args.opportunities:,} generated opportunities and {args.candidates:,} "
        "generated candidates (`manage.py seed_scale`), plus the demo world "
        f"(`manage.py seed_demo`). Server: `gunicorn stint.config.wsgi -w {args.workers} "
        f"--threads {args.worker_threads}`, "
        "DEBUG off, settings `bench.load.settings` (the project's settings, "
        "with `/bench/bare` added). Client: "
        f"`wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency`, "
        + (
            f"each request of the page and recommendation scenarios from the next of "
            f"{args.visitors:,} distinct signed-in scale candidates "
            "(`bench/load/visitors.lua`; cache hits: the share of ranked-recommendation and "
            "card look-ups the cache answered, from `/metrics` summed over the workers); "
            if args.visitors
            else "logged in as a demo candidate (session cookie) for pages; "
        )
        + "the apply scenario "
        "POSTs `/api/v1/applications` with Bearer tokens, every request a different "
        "opportunity (`bench/load/apply.lua`). Measurement starts only when every "
        "worker's matching indexes are built. Target: p99 ≤ 150 ms for browse, search "
        "and recommendations.",
        "",
    ]
    for run in runs:
        bare = _bare(run)
        lines += [
            f"## {run.name}",
            "",
            f"{run.info.get('published', '?'):,} published public opportunities; "
            f"seeding and preparing took {run.seed_seconds:.0f} s, index build and warm-up "
            f"{run.warm_seconds:.0f} s. Machine load average (1 min) {run.load[0]:.1f} "
            f"before the scenarios, {run.load[1]:.1f} after (2 CPUs; anything above 2 "
            "means other work competed with the server and wrk).",
            "",
            "| scenario | path | req/s | p50 ms | p99 ms | p50 × bare | p99 × bare | errors | p99 ≤ 150 ms | cache hits |",
            "|---|---|--:|--:|--:|--:|--:|--:|---|---|",
        ]
        for r in run.results:
            lines.append(
                f"| {r.scenario.name} | `{r.scenario.path}` | {r.rps:.0f} | {r.p50_ms:.1f} | "
                f"{r.p99_ms:.1f} | "
                + (
                    f"{r.p50_ms / bare.p50_ms:.1f} | {r.p99_ms / bare.p99_ms:.1f}"
                    if bare
                    else " | "
                )
                + f" | {r.errors} | {_verdict(r)} | {_hits(r)} |"
            )
        lines.append("")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--opportunities", type=int, default=100_000)
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=20, help="seconds per scenario (≤ 60)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    # One sync worker per core measured best on 2 cores: 3 workers x 2 threads (the
    # deploy unit's default for bigger machines) raised every p99 (docs/bench/load.md).
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--worker-threads", type=int, default=1, help="gunicorn threads each")
    parser.add_argument("--pause", type=float, default=2.0, help="seconds between scenarios")
    parser.add_argument(
        "--visitors",
        type=int,
        default=1000,
        help="distinct signed-in candidates for the page scenarios (0: one demo candidate)",
    )
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--only", nargs="*", help="first words of scenarios to run")
    parser.add_argument("--workdir", help="keep databases here (default: a temporary dir)")
    parser.add_argument(
        "--reuse", action="store_true", help="keep an existing database (seeding tops up)"
    )
    parser.add_argument("--out", default=str(ROOT / "docs" / "bench" / "load.md"))
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if not 1 <= args.duration <= 60:
        parser.error("--duration is 1 to 60 seconds")
    if shutil.which("wrk") is None:
        parser.error("wrk is not installed (apt-get install -y wrk)")

    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="stint-load-"))
    runs = []
    for name in args.backends.split(","):
        if name == "postgresql" and not _postgres_answers():
            console.print("[yellow]PostgreSQL does not answer on 127.0.0.1:5432: skipped[/yellow]")
            continue
        runs.append(run_backend(name, args, workdir))
    for run in runs:
        console.print(rich_table(run))
    command = shlex.join([".venv/bin/python", "bench/load/run.py", *sys.argv[1:]])
    if not args.no_write and runs:
        out = Path(args.out)
        notes = ""
        if out.exists() and NOTES_MARKER in (old := out.read_text()):
            notes = "\n" + NOTES_MARKER + old.split(NOTES_MARKER, 1)[1]
        out.write_text(markdown(runs, args, command) + notes)
        console.print(f"Wrote {args.out}")
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
