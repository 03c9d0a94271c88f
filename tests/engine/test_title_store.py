"""The ranker's title vectors come from this process's cache, then a shared store,
and only the rest are encoded (issue 18 item 9: a title is encoded once for every
worker, not once per process)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from stint_engine.retrieval import ranker
from stint_engine.text import encoder


class _Store:
    def __init__(self, known: dict[str, np.ndarray]) -> None:
        self.known = dict(known)
        self.asked: list[list[str]] = []

    def get_many(self, titles: list[str]) -> dict[str, np.ndarray]:
        self.asked.append(list(titles))
        return {t: self.known[t] for t in titles if t in self.known}

    def set_many(self, vectors: dict[str, np.ndarray]) -> None:
        self.known.update(vectors)


class _Encoder:
    def __init__(self) -> None:
        self.encoded: list[str] = []

    def encode(self, texts: list[str], progress: Any = None) -> np.ndarray:
        self.encoded += texts
        return np.stack([np.full(encoder.DIM, float(len(t)), dtype=np.float32) for t in texts])


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Encoder]:
    fake = _Encoder()
    monkeypatch.setattr(encoder, "get_encoder", lambda: fake)
    monkeypatch.setattr(encoder, "available", lambda: True)
    monkeypatch.setattr(ranker, "_title_vectors", type(ranker._title_vectors)())
    # The store is process-wide (the web app sets one at start): put it back after.
    monkeypatch.setattr(ranker, "_title_store", ranker._title_store)
    yield fake


def test_only_titles_no_cache_has_are_encoded_and_then_shared(fake: _Encoder) -> None:
    shared = np.full(encoder.DIM, 7.0, dtype=np.float32)
    store = _Store({"Data analyst": shared})
    ranker.use_title_store(store)
    out = ranker.title_vectors(["Data analyst", "Barista", "Barista"])
    assert out is not None and out.shape == (3, encoder.DIM)
    assert fake.encoded == ["Barista"]  # the store knew the other one
    assert np.array_equal(out[0], shared) and out[1][0] == len("Barista")
    assert "Barista" in store.known  # what this process encoded is shared
    # The process's own cache answers next time: neither store nor encoder is asked.
    asked = len(store.asked)
    ranker.title_vectors(["Barista"])
    assert len(store.asked) == asked and fake.encoded == ["Barista"]


def test_without_a_store_the_process_cache_still_works(fake: _Encoder) -> None:
    ranker.use_title_store(None)
    ranker.title_vectors(["Nurse"])
    ranker.title_vectors(["Nurse"])
    assert fake.encoded == ["Nurse"]
