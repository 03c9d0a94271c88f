"""A tiny in-process metrics registry, rendered in the Prometheus text format.

Core is the bottom layer, so any app may record a figure without importing the
app that serves them (`stint.ops` renders them at `/metrics`):

    from stint.core import metrics
    with metrics.timed("stint_matching_seconds", operation="recommend"):
        ...
    metrics.inc("stint_payment_failures_total", provider="stripe", operation="payout")

Figures live in the memory of one process (each gunicorn worker has its own);
every sample carries a `pid` label so a scraper that reaches several workers
through one port sees them apart. No third-party dependency.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# Seconds; from fast index look-ups to slow page renders.
DEFAULT_BUCKETS: tuple[float, ...] = (
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
)

HELP: dict[str, str] = {
    "stint_http_request_duration_seconds": "HTTP request latency by route name, method and status.",
    "stint_matching_seconds": "Time spent in matching calls (recommendations, suggestions).",
    "stint_payment_failures_total": "Payment provider calls that failed.",
    "stint_tasks_enqueue_fallback_total": "Tasks enqueued on the database because Redis did not answer.",
}

LabelKey = tuple[tuple[str, str], ...]

_lock = threading.Lock()
_counters: dict[str, dict[LabelKey, float]] = {}
_histograms: dict[str, dict[LabelKey, list[float]]] = {}  # bucket counts..., sum, count
_buckets: dict[str, tuple[float, ...]] = {}
_collectors: list[Callable[[], list[tuple[str, str, str, dict[str, str], float]]]] = []


def _key(labels: dict[str, object]) -> LabelKey:
    return tuple(sorted((k, str(v)) for k, v in labels.items()))


def inc(name: str, amount: float = 1.0, **labels: object) -> None:
    """Add to a counter (names end in `_total` by convention)."""
    key = _key(labels)
    with _lock:
        series = _counters.setdefault(name, {})
        series[key] = series.get(key, 0.0) + amount


def observe(
    name: str, value: float, *, buckets: tuple[float, ...] = DEFAULT_BUCKETS, **labels: object
) -> None:
    """Record one observation (seconds, usually) in a histogram."""
    key = _key(labels)
    with _lock:
        bounds = _buckets.setdefault(name, buckets)
        series = _histograms.setdefault(name, {})
        row = series.get(key)
        if row is None:
            row = series[key] = [0.0] * (len(bounds) + 2)
        for i, bound in enumerate(bounds):
            if value <= bound:
                row[i] += 1
        row[-2] += value
        row[-1] += 1


@contextmanager
def timed(name: str, **labels: object) -> Iterator[None]:
    """Observe how long the block takes (also when it raises)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        observe(name, time.perf_counter() - started, **labels)


def payment_failed(*, provider: str, operation: str) -> None:
    """One line for the payments app when a provider call fails."""
    inc("stint_payment_failures_total", provider=provider, operation=operation)


def register_collector(
    collect: Callable[[], list[tuple[str, str, str, dict[str, str], float]]],
) -> None:
    """Add a function called at scrape time returning (name, type, help, labels, value)
    samples, e.g. queue depth read from the database."""
    with _lock:
        if collect not in _collectors:
            _collectors.append(collect)


def reset() -> None:
    """Forget every figure (tests)."""
    with _lock:
        _counters.clear()
        _histograms.clear()
        _buckets.clear()


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(key: LabelKey | list[tuple[str, str]]) -> str:
    if not key:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in key) + "}"


def _num(value: float) -> str:
    if value == float("inf"):
        return "+Inf"
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


def render() -> str:
    """Every figure of this process in the Prometheus text exposition format 0.0.4."""
    pid = ("pid", str(os.getpid()))
    lines: list[str] = []
    with _lock:
        counters = {n: dict(s) for n, s in _counters.items()}
        histograms = {n: {k: list(v) for k, v in s.items()} for n, s in _histograms.items()}
        buckets = dict(_buckets)
        collectors = list(_collectors)
    for name in sorted(counters):
        lines.append(f"# HELP {name} {HELP.get(name, name)}")
        lines.append(f"# TYPE {name} counter")
        for key, value in sorted(counters[name].items()):
            lines.append(f"{name}{_labels([*key, pid])} {_num(value)}")
    for name in sorted(histograms):
        lines.append(f"# HELP {name} {HELP.get(name, name)}")
        lines.append(f"# TYPE {name} histogram")
        bounds = buckets[name]
        for key, row in sorted(histograms[name].items()):
            for i, bound in enumerate(bounds):
                lines.append(
                    f"{name}_bucket{_labels([*key, pid, ('le', _num(bound))])} {_num(row[i])}"
                )
            lines.append(f"{name}_bucket{_labels([*key, pid, ('le', '+Inf')])} {_num(row[-1])}")
            lines.append(f"{name}_sum{_labels([*key, pid])} {_num(row[-2])}")
            lines.append(f"{name}_count{_labels([*key, pid])} {_num(row[-1])}")
    seen: set[str] = set()
    for collect in collectors:
        for name, kind, help_text, labels, value in collect():
            if name not in seen:
                lines.append(f"# HELP {name} {help_text}")
                lines.append(f"# TYPE {name} {kind}")
                seen.add(name)
            lines.append(f"{name}{_labels(sorted(labels.items()))} {_num(value)}")
    return "\n".join(lines) + "\n"
