"""Stint's metrics, kept by prometheus_client and served at `/metrics` by `stint.ops`.

Core is the bottom layer, so any app may record a figure without importing the
app that serves them:

    from stint.core import metrics
    with metrics.timed("stint_matching_seconds", operation="recommend"):
        ...
    metrics.inc("stint_payment_failures_total", provider="stripe", operation="payout")

With several gunicorn workers, set `PROMETHEUS_MULTIPROC_DIR` (an empty directory,
wiped at each start; deploy/stint-web.service does it, deploy/gunicorn.conf.py
marks dead workers): every process writes its figures there and a scrape of any
worker answers the sum over all of them. Without it (development, tests) the
figures are those of the one process. Collectors registered with
`register_collector` (the queue depth, read from the database) run at scrape time
in the process that answers.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

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
    "stint_job_row_failures_total": "Rows a periodic job could not process (it went on).",
    "stint_cache_lookups_total": "Cache look-ups by cache (ranked recommendations, cards) and result.",
}

# `_created` timestamps per series say nothing our dashboards use; they would double the page.
disable_created_metrics()

# (name, type, help, labels, value) read at scrape time; only gauges are used.
Sample = tuple[str, str, str, dict[str, str], float]

_lock = threading.Lock()
_registry = CollectorRegistry(auto_describe=True)
_counters: dict[str, Counter] = {}
_histograms: dict[str, Histogram] = {}
_collectors: list[Callable[[], list[Sample]]] = []


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def _counter(name: str, labelnames: tuple[str, ...]) -> Counter:
    with _lock:
        metric = _counters.get(name)
        if metric is None:
            # prometheus_client adds `_total` back to a counter's name when it exposes it.
            base = name.removesuffix("_total")
            metric = Counter(base, HELP.get(name, name), labelnames, registry=_registry)
            _counters[name] = metric
        return metric


def _histogram(name: str, labelnames: tuple[str, ...], buckets: tuple[float, ...]) -> Histogram:
    with _lock:
        metric = _histograms.get(name)
        if metric is None:
            metric = Histogram(
                name, HELP.get(name, name), labelnames, buckets=buckets, registry=_registry
            )
            _histograms[name] = metric
        return metric


def _labelled(metric: Counter | Histogram, labels: dict[str, object]) -> Counter | Histogram:
    if not labels:
        return metric
    return metric.labels(**{k: str(v) for k, v in labels.items()})


def inc(name: str, amount: float = 1.0, **labels: object) -> None:
    """Add to a counter (names end in `_total` by convention)."""
    metric = _counter(name, tuple(sorted(labels)))
    _labelled(metric, labels).inc(amount)  # type: ignore[union-attr]


def observe(
    name: str, value: float, *, buckets: tuple[float, ...] = DEFAULT_BUCKETS, **labels: object
) -> None:
    """Record one observation (seconds, usually) in a histogram."""
    metric = _histogram(name, tuple(sorted(labels)), buckets)
    _labelled(metric, labels).observe(value)  # type: ignore[union-attr]


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


def register_collector(collect: Callable[[], list[Sample]]) -> None:
    """Add a function called at scrape time returning (name, type, help, labels, value)
    gauge samples, e.g. queue depth read from the database."""
    with _lock:
        if collect not in _collectors:
            _collectors.append(collect)


class _ScrapeTimeCollector(Collector):
    """The registered functions, as one prometheus_client collector."""

    def collect(self) -> Iterator[Metric]:
        with _lock:
            functions = list(_collectors)
        families: dict[str, GaugeMetricFamily] = {}
        for collect in functions:
            for name, _kind, help_text, labels, value in collect():
                family = families.get(name)
                if family is None:
                    family = families[name] = GaugeMetricFamily(
                        name, help_text, labels=sorted(labels)
                    )
                family.add_metric([labels[k] for k in sorted(labels)], value)
        yield from families.values()


def reset() -> None:
    """Forget every figure of this process (tests; never with PROMETHEUS_MULTIPROC_DIR)."""
    global _registry
    with _lock:
        _registry = CollectorRegistry(auto_describe=True)
        _counters.clear()
        _histograms.clear()


def render() -> str:
    """Every figure in the Prometheus text exposition format 0.0.4: this process's,
    or every process's when PROMETHEUS_MULTIPROC_DIR is set."""
    path = multiprocess_dir()
    if path:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=path)
    else:
        registry = _registry
    scrape = CollectorRegistry()
    scrape.register(_Both(registry))
    return generate_latest(scrape).decode()


class _Both(Collector):
    """The process (or multiprocess) figures, then the scrape-time gauges."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self) -> Iterator[Metric]:
        yield from self.registry.collect()
        yield from _ScrapeTimeCollector().collect()
