"""The web app shares the ranker's title vectors through its cache, and a cache that
fails costs only speed."""

from __future__ import annotations

from typing import Any

import numpy as np

from stint.matching.title_store import CacheTitleStore
from stint_engine.retrieval import ranker
from stint_engine.text.encoder import DIM


def test_the_app_shares_title_vectors_through_its_cache() -> None:
    assert isinstance(ranker._title_store, CacheTitleStore)  # set by MatchingConfig.ready
    store = CacheTitleStore()
    vector = np.arange(DIM, dtype=np.float32)
    store.set_many({"Junior data analyst": vector})
    found = store.get_many(["Junior data analyst", "never stored"])
    assert list(found) == ["Junior data analyst"]
    assert np.array_equal(found["Junior data analyst"], vector)


def test_a_failing_cache_costs_only_speed(monkeypatch: Any) -> None:
    from stint.matching import title_store

    class Broken:
        def get_many(self, keys: Any) -> Any:
            raise ConnectionError("redis is down")

        def set_many(self, data: Any, timeout: Any) -> Any:
            raise ConnectionError("redis is down")

    monkeypatch.setattr(title_store, "cache", Broken())
    store = CacheTitleStore()
    assert store.get_many(["Nurse"]) == {}
    store.set_many({"Nurse": np.zeros(DIM, dtype=np.float32)})  # no error


def test_the_snapshot_job_warms_every_published_title_once(monkeypatch: Any) -> None:
    from django.core.cache import cache

    from stint.matching import title_store
    from stint_engine.text import encoder

    encoded: list[str] = []

    class Fake:
        def encode(self, texts: list[str], progress: Any = None) -> np.ndarray:
            encoded.extend(texts)
            return np.ones((len(texts), DIM), dtype=np.float32)

    monkeypatch.setattr(encoder, "get_encoder", lambda: Fake())
    monkeypatch.setattr(encoder, "available", lambda: True)
    monkeypatch.setattr(ranker, "_title_vectors", type(ranker._title_vectors)())
    cache.clear()
    assert title_store.warm(["Data  analyst", "Data analyst", "Barista", " "]) == 2
    assert sorted(encoded) == ["Barista", "Data analyst"]
    monkeypatch.setattr(ranker, "_title_vectors", type(ranker._title_vectors)())  # a new process
    title_store.warm(["Barista"])
    assert sorted(encoded) == ["Barista", "Data analyst"]  # found in the shared cache
