"""Offline evaluation and benchmarks of the engine (`python -m stint_engine_eval`).

Not part of the runtime engine: the web app never imports this package
(import-linter enforces it). It reads ../shared and bench/data, trains the
shipped tagger and ranker, and produces the figures in docs/benchmarks.md.
"""
