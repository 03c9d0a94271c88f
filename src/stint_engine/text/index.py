"""A TF-IDF index over short surface forms (labels, alt labels) owned by ids.

Scores a query against every surface with character and word n-gram cosine
similarity and keeps, for each owner, its best surface. Used by skill linking
and title normalisation. The TF-IDF matrices are built with the array-based
vectorisers of ``text.tfidf`` (same figures as scikit-learn's, several times
faster to build), so a first call in a fresh process stays short.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from stint_engine.taxonomy import normalise
from stint_engine.text.tfidf import CharVectoriser, WordVectoriser

# bytes kept by ``normalise`` (and the \x01 separator); every other byte becomes a space
_KEEP = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789+#\x01")
_TABLE = bytes(b if b in _KEEP else 32 for b in range(256))


def normalise_all(texts: Sequence[str]) -> list[str]:
    """``taxonomy.normalise`` of each text, with one regex pass over them all."""
    if not texts:
        return []
    joined = "\x01".join(texts)
    if joined.count("\x01") != len(texts) - 1:  # a text holds the separator
        return [normalise(t) for t in texts]
    lowered = joined.lower().replace("&", " and ").encode("ascii", "replace")
    parts = lowered.translate(_TABLE).decode("ascii").split("\x01")
    return [" ".join(p.split()) for p in parts]


def top_k(ids: Sequence[str], row: NDArray[np.float32], k: int) -> list[tuple[str, float]]:
    """The k best ids with positive scores, best first; ties in index order."""
    k = min(k, len(row))
    if k <= 0:
        return []
    idx = np.argpartition(-row, k - 1)[:k]
    idx = idx[np.lexsort((idx, -row[idx]))]
    return [(ids[i], float(row[i])) for i in idx if row[i] > 0]


class SurfaceIndex:
    """Owners ranked by their best-matching surface; optional long texts add a little."""

    def __init__(
        self,
        owners: Sequence[str],
        surfaces: Sequence[str],
        owner_texts: dict[str, str] | None = None,
        *,
        char_weight: float = 0.5,
        text_weight: float = 0.2,
    ) -> None:
        order = np.argsort(np.asarray(owners, dtype=object), kind="stable")
        owners_sorted = [owners[i] for i in order]
        surfaces_sorted = normalise_all([surfaces[i] for i in order])
        self.ids: list[str] = []
        starts: list[int] = []
        for i, owner in enumerate(owners_sorted):
            if not self.ids or self.ids[-1] != owner:
                self.ids.append(owner)
                starts.append(i)
        self.starts = np.asarray(starts, dtype=np.int64)
        self.surface_owner = np.repeat(
            np.arange(len(starts)), np.diff(np.append(self.starts, len(owners_sorted)))
        )
        self.char_weight = char_weight
        self.text_weight = text_weight if owner_texts else 0.0
        self._surfaces = surfaces_sorted
        self._char: tuple[CharVectoriser, sparse.csr_matrix] | None = None
        self._char_lock = threading.Lock()
        self.word = WordVectoriser()
        n = len(surfaces_sorted)
        if owner_texts:
            texts = normalise_all([owner_texts.get(o, "") for o in self.ids])
            both = self.word.fit_transform([*surfaces_sorted, *texts])
            self.text_m = both[n:].T.tocsr()
            self.word_m = both[:n].T.tocsr()
        else:
            self.word_m = self.word.fit_transform(surfaces_sorted).T.tocsr()

    def char_part(self) -> tuple[CharVectoriser, sparse.csr_matrix]:
        """The character n-gram vectoriser and surface matrix, built on first use.

        Skill extraction only needs the word part, so it never pays for this.
        """
        found = self._char
        if found is None:
            with self._char_lock:
                found = self._char
                if found is None:
                    char = CharVectoriser()
                    found = (char, char.fit_transform(self._surfaces).T.tocsr())
                    self._char = found
        return found

    def scores(self, queries: Sequence[str]) -> NDArray[np.float32]:
        """(len(queries), len(ids)) similarity matrix, each row in [0, 1]."""
        qs = [normalise(q) for q in queries]
        char, char_m = self.char_part()
        per_surface = self.char_weight * (char.transform(qs) @ char_m).toarray()
        per_surface += (1 - self.char_weight) * (self.word.transform(qs) @ self.word_m).toarray()
        best = np.maximum.reduceat(per_surface, self.starts, axis=1)
        if self.text_weight:
            best = (1 - self.text_weight) * best + self.text_weight * (
                self.word.transform(qs) @ self.text_m
            ).toarray()
        return best.astype(np.float32, copy=False)

    def top(self, query: str, k: int) -> list[tuple[str, float]]:
        if k <= 0 or not normalise(query):
            return []
        return top_k(self.ids, self.scores([query])[0], k)

    def best_word_matches(self, queries: Sequence[str]) -> list[tuple[str, float]]:
        """Cheap top-1 per query by word n-gram cosine alone (sparse; used in bulk).

        ``("", 0.0)`` where no word is shared.
        """
        sims = (self.word.transform([normalise(q) for q in queries]) @ self.word_m).tocsr()
        out: list[tuple[str, float]] = []
        for r in range(sims.shape[0]):
            lo, hi = sims.indptr[r], sims.indptr[r + 1]
            if lo == hi:
                out.append(("", 0.0))
                continue
            j = lo + int(np.argmax(sims.data[lo:hi]))
            out.append((self.ids[self.surface_owner[sims.indices[j]]], float(sims.data[j])))
        return out
