"""The job ranker's title vectors shared through the Django cache (Redis in a
deployment), so every worker and host encodes a posting or profile title once, not
once per process: with a thousand distinct visitors the encoder was most of a first
recommendation's time (docs/bench/load.md). A cache that fails costs only speed."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable

import numpy as np
from django.core.cache import cache

from stint_engine.text.encoder import DIM, WEIGHTS_SHA256

log = logging.getLogger(__name__)

TIMEOUT = 30 * 24 * 3600
# The vectors belong to the encoder's weights: new weights, new keys.
_PREFIX = f"stint:title-vec:{WEIGHTS_SHA256[:12]}:"


def _key(title: str) -> str:
    return _PREFIX + hashlib.sha1(title.encode(), usedforsecurity=False).hexdigest()


class CacheTitleStore:
    def get_many(self, titles: list[str]) -> dict[str, np.ndarray]:
        keys = {_key(t): t for t in titles}
        try:
            found = cache.get_many(list(keys))
        except Exception:  # the cache is a shortcut, never a dependency
            log.warning("title vector cache unavailable", exc_info=True)
            return {}
        out = {}
        for key, raw in found.items():
            vector = np.frombuffer(raw, dtype=np.float32)
            if vector.shape == (DIM,):
                out[keys[key]] = vector.copy()
        return out

    def set_many(self, vectors: dict[str, np.ndarray]) -> None:
        data = {_key(t): np.asarray(v, dtype=np.float32).tobytes() for t, v in vectors.items()}
        try:
            cache.set_many(data, TIMEOUT)
        except Exception:
            log.warning("title vector cache unavailable", exc_info=True)


def warm(titles: Iterable[str], batch: int = 500) -> int:
    """Put the vectors of `titles` in the shared store, encoding only those no process
    has stored yet (the periodic snapshot job passes every published posting's title,
    so web workers rarely encode one during a request). Returns how many were asked."""
    from stint_engine.retrieval import ranker

    unique = list(dict.fromkeys(ranker.title_key(t) for t in titles if t.strip()))
    for start in range(0, len(unique), batch):
        ranker.title_vectors(unique[start : start + batch])
    return len(unique)
